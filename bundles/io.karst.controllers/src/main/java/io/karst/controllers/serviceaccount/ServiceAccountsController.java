package io.karst.controllers.serviceaccount;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceKey;
import io.karst.api.controller.Controller;

/** Upstream's ServiceAccounts controller: every active namespace has a {@code default} ServiceAccount. */
@Component(service = Controller.class, property = Controller.NAME + "=serviceaccount")
public final class ServiceAccountsController extends NamespaceObjectController {
    static final ResourceKey SERVICEACCOUNTS = new ResourceKey("", "v1", "serviceaccounts");

    @Override
    public String name() {
        return "serviceaccount";
    }

    @Override
    ResourceKey resource() {
        return SERVICEACCOUNTS;
    }

    @Override
    String objectName() {
        return "default";
    }

    @Override
    ObjectNode desired(String namespace) {
        ObjectNode sa = JsonNodeFactory.instance.objectNode();
        sa.put("apiVersion", "v1");
        sa.put("kind", "ServiceAccount");
        sa.putObject("metadata").put("name", "default").put("namespace", namespace);
        return sa;
    }

    /** Whatever users did to it (secrets, pull secrets, labels) is theirs: only its absence is corrected. */
    @Override
    boolean outdated(ObjectNode existing, ObjectNode desired) {
        return false;
    }
}
