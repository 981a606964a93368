package io.karst.apiserver.metrics;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.karst.apiserver.selection.FieldSelector;
import io.karst.apiserver.selection.FieldSelectorSupport;
import io.karst.apiserver.selection.LabelSelector;
import io.karst.apiserver.selection.ListOptions;
import io.karst.apiserver.selection.RequestOptionsException;
import io.karst.apiserver.status.ApiException;

/**
 * The selectors of a metrics list. metrics-server matches them against the Nodes and Pods (their labels, and
 * {@code metadata.name} / {@code metadata.namespace} for fields), so they are checked against those objects here.
 */
record MetricsSelection(LabelSelector labels, FieldSelector fields, FieldSelectorSupport support) {

    static MetricsSelection of(Map<String, List<String>> query, boolean namespaced) {
        FieldSelectorSupport support = FieldSelectorSupport.forResource(MetricsResources.GROUP,
                namespaced ? "pods" : "nodes", namespaced);
        try {
            ListOptions options = ListOptions.parse(query, false).withFieldsFor(support);
            return new MetricsSelection(options.labelSelector(), options.fieldSelector(), support);
        } catch (RequestOptionsException e) {
            throw new ApiException(e.code(), e.reason(), e.getMessage(), null);
        }
    }

    /** Whether the Node or Pod {@code object} is selected. */
    boolean matches(JsonNode object) {
        return labels.matchesObject(object) && (fields.isEverything() || support.matches(fields, object));
    }
}
