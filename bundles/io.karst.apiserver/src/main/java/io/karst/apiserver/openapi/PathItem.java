package io.karst.apiserver.openapi;

import java.util.List;

/** One URL path with its path-level parameters (name, namespace, pretty) and operations. */
record PathItem(String path, boolean hasName, boolean hasNamespace, List<Operation> operations) {}
