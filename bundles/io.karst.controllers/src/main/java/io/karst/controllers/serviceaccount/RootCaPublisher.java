package io.karst.controllers.serviceaccount;

import java.util.function.Supplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceKey;
import io.karst.api.controller.Controller;
import io.karst.api.security.CertificateAuthority;

/**
 * Upstream's root-ca-cert-publisher: every active namespace has the ConfigMap {@code kube-root-ca.crt} holding the
 * CA bundle that verifies the API server, which pods read (projected service-account volumes) to trust
 * {@code kubernetes.default.svc}. A changed bundle (CA rotation) or an edited ConfigMap is put back.
 */
@Component(service = Controller.class, property = Controller.NAME + "=root-ca-cert-publisher")
public final class RootCaPublisher extends NamespaceObjectController {
    static final ResourceKey CONFIGMAPS = new ResourceKey("", "v1", "configmaps");
    static final String NAME = "kube-root-ca.crt";
    static final String DESCRIPTION = "Contains a CA bundle that can be used to verify the kube-apiserver when using "
            + "internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
            + "guaranteed across distributions of Kubernetes clusters.";

    private final Supplier<String> caBundle;

    @Activate
    public RootCaPublisher(@Reference CertificateAuthority authority) {
        this(authority::serverCaBundle);
    }

    RootCaPublisher(Supplier<String> caBundle) {
        this.caBundle = caBundle;
    }

    @Override
    public String name() {
        return "root-ca-cert-publisher";
    }

    @Override
    ResourceKey resource() {
        return CONFIGMAPS;
    }

    @Override
    String objectName() {
        return NAME;
    }

    @Override
    ObjectNode desired(String namespace) {
        ObjectNode cm = JsonNodeFactory.instance.objectNode();
        cm.put("apiVersion", "v1");
        cm.put("kind", "ConfigMap");
        ObjectNode meta = cm.putObject("metadata");
        meta.put("name", NAME);
        meta.put("namespace", namespace);
        meta.putObject("annotations").put("kubernetes.io/description", DESCRIPTION);
        cm.putObject("data").put("ca.crt", caBundle.get());
        return cm;
    }

    @Override
    boolean outdated(ObjectNode existing, ObjectNode desired) {
        return !existing.path("data").equals(desired.path("data"))
                || !existing.path("metadata").path("annotations").path("kubernetes.io/description")
                        .equals(desired.path("metadata").path("annotations").path("kubernetes.io/description"));
    }
}
