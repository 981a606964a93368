package io.karst.apiserver;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.karst.apiserver.openapi.OpenApiDocuments;
import io.karst.apiserver.openapi.OpenApiResource;
import io.karst.apiserver.openapi.CustomResourceVersion;
import io.karst.apiserver.openapi.Rendered;
import io.karst.apiserver.resource.ResourceRegistry;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karst.apiserver.schema.SchemaModel;
import io.karst.apiserver.status.ApiException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code /openapi/v2} and {@code /openapi/v3[/<group-version>]}, as kubectl reads them for validation and
 * {@code explain}: the built-in resources' documents rendered once from the schema model and the registry, those
 * of the established CustomResourceDefinitions' served versions rendered when the CRDs change (per group-version,
 * the unchanged ones kept with their hash), answered with upstream's ETag and caching rules (an immutable document
 * per {@code hash}, a redirect for a stale one, 304 for a matching If-None-Match).
 */
final class OpenApiEndpoint {
    private final Supplier<List<ObjectNode>> customResourceDefinitions;
    private volatile Current current;

    /** The documents and the CRD list they were made from (compared by identity: the controller replaces it). */
    private record Current(List<ObjectNode> crds, OpenApiDocuments documents) {
    }

    /** Only the built-in resources of the registry. */
    OpenApiEndpoint(SchemaModel model, ResourceRegistry registry) {
        this(model, registry, List::of);
    }

    /**
     * @param customResourceDefinitions the established CRDs, as the CRD controller serves them now; a new list
     *        whenever they may have changed
     */
    OpenApiEndpoint(SchemaModel model, ResourceRegistry registry,
            Supplier<List<ObjectNode>> customResourceDefinitions) {
        this.customResourceDefinitions = customResourceDefinitions;
        OpenApiDocuments builtIn = OpenApiDocuments.render(model, registry.all().stream().filter(t -> !t.custom())
                .map(t -> new OpenApiResource(t.group(), t.version(), t.kind(), t.plural(), t.namespaced(), t.verbs(),
                        t.subresources().stream()
                                .map(s -> new OpenApiResource.Subresource(s.name(), s.kind(), s.verbs())).toList()))
                .toList());
        this.current = new Current(List.of(), builtIn);
    }

    /** The documents of the CRDs served now: made again only when the controller's list changed. */
    private OpenApiDocuments documents() {
        List<ObjectNode> crds = customResourceDefinitions.get();
        Current now = current;
        if (now.crds() == crds) {
            return now.documents();
        }
        synchronized (this) {
            now = current;
            if (now.crds() != crds) {
                List<CustomResourceVersion> versions = new ArrayList<>();
                crds.forEach(crd -> versions.addAll(CustomResourceVersion.of(crd)));
                now = new Current(crds, now.documents().withCustomResources(versions));
                current = now;
            }
            return now.documents();
        }
    }

    static boolean handles(String path) {
        return path.equals("/openapi/v2") || path.equals("/openapi/v3") || path.startsWith("/openapi/v3/");
    }

    FullHttpResponse answer(String path, Map<String, List<String>> query, String accept, String ifNoneMatch) {
        OpenApiDocuments documents = documents();
        if (path.equals("/openapi/v2")) {
            if (accept != null && accept.contains(OpenApiDocuments.V2_PROTOBUF)) {
                FullHttpResponse proto = document(documents.v2Protobuf(), ifNoneMatch, false);
                // The Accept form has an '@' that Go's mime parser refuses in a Content-Type; upstream answers with
                // the dotted form.
                proto.headers().set(HttpHeaderNames.CONTENT_TYPE,
                        "application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
                return proto;
            }
            return document(documents.v2(), ifNoneMatch, false);
        }
        if (path.equals("/openapi/v3")) {
            return document(documents.v3Index(), ifNoneMatch, false);
        }
        String groupVersion = path.substring("/openapi/v3/".length());
        Rendered doc = documents.v3(groupVersion).orElseThrow(ApiException::notFoundPath);
        Optional<String> hash = Optional.ofNullable(query.get("hash")).filter(l -> !l.isEmpty()).map(l -> l.get(0));
        if (hash.isPresent() && !hash.get().equals(doc.etag())) {
            FullHttpResponse moved = StatusResponses.bytes(HttpResponseStatus.MOVED_PERMANENTLY, "text/plain", new byte[0]);
            moved.headers().set(HttpHeaderNames.LOCATION, documents.serverRelativeUrl(groupVersion));
            return moved;
        }
        return document(doc, ifNoneMatch, hash.isPresent());
    }

    private static FullHttpResponse document(Rendered doc, String ifNoneMatch, boolean immutable) {
        FullHttpResponse response;
        if (doc.etagHeader().equals(ifNoneMatch)) {
            response = StatusResponses.bytes(HttpResponseStatus.NOT_MODIFIED, "application/json", new byte[0]);
        } else {
            response = StatusResponses.bytes(HttpResponseStatus.OK, "application/json", doc.body());
        }
        response.headers().set(HttpHeaderNames.ETAG, doc.etagHeader());
        if (immutable) {
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "public, immutable");
            response.headers().set(HttpHeaderNames.EXPIRES, DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    ZonedDateTime.now(ZoneOffset.UTC).plusYears(1)));
        }
        return response;
    }
}
