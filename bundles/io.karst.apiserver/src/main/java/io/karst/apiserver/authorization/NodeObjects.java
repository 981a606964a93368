package io.karst.apiserver.authorization;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** What the Node authorizer reads to relate a node to objects: the pods bound to it and their claims. */
public interface NodeObjects {

    /** Pods whose {@code spec.nodeName} is the node. */
    List<ObjectNode> podsOn(String nodeName);

    Optional<ObjectNode> pod(String namespace, String name);

    Optional<ObjectNode> persistentVolumeClaim(String namespace, String name);
}
