package io.karst.apiserver;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.karst.apiserver.openapi.OpenApiDocuments;
import io.karst.apiserver.openapi.OpenApiResource;
import io.karst.apiserver.openapi.OpenApiV2Protobuf;
import io.karst.apiserver.openapi.Rendered;
import io.karst.apiserver.resource.ResourceRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.karst.apiserver.schema.SchemaModel;
import io.karst.apiserver.status.ApiException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code /openapi/v2} and {@code /openapi/v3[/<group-version>]}, as kubectl reads them for validation and
 * {@code explain}: rendered once from the schema model and the registry, answered with upstream's ETag and
 * caching rules (an immutable document per {@code hash}, a redirect for a stale one, 304 for a matching
 * If-None-Match).
 */
final class OpenApiEndpoint {
    private final OpenApiDocuments documents;
    private final Rendered v2Protobuf;

    OpenApiEndpoint(SchemaModel model, ResourceRegistry registry) {
        this.documents = OpenApiDocuments.render(model, registry.all().stream().map(t -> new OpenApiResource(
                t.group(), t.version(), t.kind(), t.plural(), t.namespaced(), t.verbs(),
                t.subresources().stream().map(s -> new OpenApiResource.Subresource(s.name(), s.kind(), s.verbs()))
                        .toList())).toList());
        try {
            byte[] proto = OpenApiV2Protobuf.encode(new ObjectMapper().readTree(documents.v2().body()));
            this.v2Protobuf = new Rendered(proto, documents.v2().etag());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static boolean handles(String path) {
        return path.equals("/openapi/v2") || path.equals("/openapi/v3") || path.startsWith("/openapi/v3/");
    }

    FullHttpResponse answer(String path, Map<String, List<String>> query, String accept, String ifNoneMatch) {
        if (path.equals("/openapi/v2")) {
            if (accept != null && accept.contains(OpenApiDocuments.V2_PROTOBUF)) {
                FullHttpResponse proto = document(v2Protobuf, ifNoneMatch, false);
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
