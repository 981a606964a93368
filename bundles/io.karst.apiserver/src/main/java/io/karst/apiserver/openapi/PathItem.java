package io.karst.apiserver.openapi;

import java.util.List;

/**
 * One URL path with its path-level parameters and operations.
 *
 * @param parameters what every operation of the path takes: name, namespace and pretty for resource paths; for
 *     log and connect paths also the options of the subresource (container, command, ports, path), as upstream
 *     publishes them at path level
 */
record PathItem(String path, List<Parameter> parameters, List<Operation> operations) {

  PathItem {
    parameters = List.copyOf(parameters);
    operations = List.copyOf(operations);
  }

  /** A path-level parameter: in "path" (required) or "query". */
  record Parameter(String name, String in, String type, String description) {

    static Parameter path(String name, String description) {
      return new Parameter(name, "path", "string", description);
    }

    static Parameter query(String name, String type, String description) {
      return new Parameter(name, "query", type, description);
    }

    boolean required() {
      return in.equals("path");
    }
  }
}
