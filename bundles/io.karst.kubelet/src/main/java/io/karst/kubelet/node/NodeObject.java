package io.karst.kubelet.node;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.kubelet.KubeletConfig;

/** The Node object this kubelet registers: labels, taints and the parts of status that do not change. */
final class NodeObject {
    private NodeObject() {
    }

    /** Labels the kubelet sets itself (upstream's well-known ones, K3s's instance type and role labels). */
    static Map<String, String> labels(KubeletConfig config) {
        Map<String, String> labels = new LinkedHashMap<>();
        String arch = MachineInfo.hostArchitecture();
        labels.put("beta.kubernetes.io/arch", arch);
        labels.put("beta.kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", arch);
        labels.put("kubernetes.io/hostname", config.nodeName());
        labels.put("kubernetes.io/os", "linux");
        labels.put("node.kubernetes.io/instance-type", "karst");
        if (config.controlPlane()) {
            labels.put("node-role.kubernetes.io/control-plane", "true");
            labels.put("node-role.kubernetes.io/master", "true");
        }
        labels.putAll(config.labels());
        return labels;
    }

    static ObjectNode create(KubeletConfig config) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("apiVersion", "v1");
        node.put("kind", "Node");
        ObjectNode meta = node.putObject("metadata");
        meta.put("name", config.nodeName());
        ObjectNode labels = meta.putObject("labels");
        labels(config).forEach(labels::put);
        ObjectNode annotations = meta.putObject("annotations");
        annotations.put("node.alpha.kubernetes.io/ttl", "0");
        annotations.put("volumes.kubernetes.io/controller-managed-attach-detach", "true");
        ObjectNode spec = node.putObject("spec");
        if (!config.taints().isEmpty()) {
            ArrayNode taints = spec.putArray("taints");
            for (String taint : config.taints()) {
                taints.add(taint(taint));
            }
        }
        return node;
    }

    /** {@code key=value:Effect} or {@code key:Effect} as the launcher validated it. */
    static ObjectNode taint(String text) {
        int colon = text.lastIndexOf(':');
        String keyValue = text.substring(0, colon);
        ObjectNode taint = JsonNodeFactory.instance.objectNode();
        int eq = keyValue.indexOf('=');
        taint.put("key", eq < 0 ? keyValue : keyValue.substring(0, eq));
        if (eq >= 0) {
            taint.put("value", keyValue.substring(eq + 1));
        }
        taint.put("effect", text.substring(colon + 1));
        return taint;
    }

    static ArrayNode addresses(KubeletConfig config) {
        ArrayNode addresses = JsonNodeFactory.instance.arrayNode();
        for (String ip : List.copyOf(config.nodeIps())) {
            addresses.addObject().put("type", "InternalIP").put("address", ip);
        }
        addresses.addObject().put("type", "Hostname").put("address", config.nodeName());
        return addresses;
    }
}
