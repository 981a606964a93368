package io.karst.apiserver.crd;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.schema.CustomResourceSchema;
import io.karst.apiserver.resource.ResourceType.Subresource;
import io.karst.apiserver.validation.Json;

/**
 * The served resources of one established CustomResourceDefinition: one {@link ResourceType} per served version,
 * named by the CRD's accepted names, all kept under upstream's key {@code /registry/<group>/<plural>/} in the
 * storage version (the other versions only have their {@code apiVersion} rewritten: conversion None).
 */
public final class CustomResourceTypes {
    private static final List<String> STATUS_VERBS = List.of("get", "patch", "update");

    private CustomResourceTypes() {
    }

    /** The types of {@code crd} under its {@code status.acceptedNames}. */
    public static List<ResourceType> of(ObjectNode crd) {
        ObjectNode spec = Json.obj(crd, "spec");
        ObjectNode names = Json.obj(Json.obj(crd, "status"), "acceptedNames");
        String group = Json.text(spec, "group");
        String plural = Json.text(names, "plural");
        boolean namespaced = Json.text(spec, "scope").equals("Namespaced");
        String storageVersion = storageVersion(crd);
        List<ResourceType> types = new ArrayList<>();
        for (ObjectNode v : Json.objects(spec, "versions")) {
            if (!Json.bool(v, "served")) {
                continue;
            }
            String version = Json.text(v, "name");
            List<Subresource> subresources = new ArrayList<>();
            JsonNode sub = v.path("subresources");
            if (sub.path("scale").isObject()) {
                subresources.add(new Subresource("scale", "Scale", STATUS_VERBS));
            }
            if (sub.has("status")) {
                subresources.add(new Subresource("status", Json.text(names, "kind"), STATUS_VERBS));
            }
            ResourceType type = new ResourceType(group, version, Json.text(names, "kind"), plural,
                    Json.text(names, "singular"), namespaced, Json.strings(names, "shortNames"),
                    Json.strings(names, "categories"), ResourceType.ALL_VERBS, subresources, group + "/" + plural);
            JsonNode schema = v.path("schema").path("openAPIV3Schema");
            if (schema.isObject()) {
                type = type.withSchema(new CustomResourceSchema(schema, v.get("additionalPrinterColumns"),
                        sub.path("scale").isObject() ? sub.get("scale") : null));
            }
            if (!version.equals(storageVersion)) {
                type = type.storedAs(new ApiVersionRewrite(group + "/" + version, group + "/" + storageVersion));
            }
            types.add(type);
        }
        return types;
    }

    static String storageVersion(ObjectNode crd) {
        for (ObjectNode v : Json.objects(Json.obj(crd, "spec"), "versions")) {
            if (Json.bool(v, "storage")) {
                return Json.text(v, "name");
            }
        }
        return "";
    }
}
