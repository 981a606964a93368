package io.karst.apiserver.serviceaccount;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.codec.ObjectCodec;
import io.karst.apiserver.endpoint.ApiResponse;
import io.karst.apiserver.endpoint.ObjectMetadata;
import io.karst.apiserver.endpoint.ResourceRequest;
import io.karst.apiserver.endpoint.SubresourceHandler;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.storage.ObjectStore;

/**
 * {@code POST .../serviceaccounts/{name}/token}: kube-apiserver's TokenREST. Validates an
 * {@code authentication.k8s.io/v1 TokenRequest}, checks the service account and the bound object exist, and answers
 * the request with {@code status.token} and {@code status.expirationTimestamp}.
 *
 * <p>Expiration as kube-apiserver's defaults, which K3s keeps: {@code expirationSeconds} defaults to 3600, must lie
 * in [600, 2^32]; no maximum is enforced ({@code --service-account-max-token-expiration} unset); and
 * {@code --service-account-extend-token-expiration} is on: a pod-bound token for the API audiences asking for
 * exactly 3607 s (what the kubelet asks for the {@code kube-api-access-*} volume) is valid for a year, carries
 * {@code warnafter} at 3607 s, and the status still answers the 3607 s expiry, so the kubelet refreshes it early.
 */
public final class TokenRequests implements SubresourceHandler {
    static final String GROUP = "authentication.k8s.io";
    static final String API_VERSION = GROUP + "/v1";
    static final String KIND = "TokenRequest";
    static final long DEFAULT_EXPIRATION_SECONDS = 3600;
    static final long MIN_EXPIRATION_SECONDS = 600;
    static final long MAX_EXPIRATION_SECONDS = 1L << 32;
    /** upstream's WarnOnlyBoundTokenExpirationSeconds: the projected volume's 1 h + 7 s */
    static final long WARN_ONLY_EXPIRATION_SECONDS = 3607;
    /** upstream's ExpirationExtensionSeconds: one year */
    static final long EXTENDED_EXPIRATION_SECONDS = 365L * 24 * 60 * 60;

    private final ObjectStore store;
    private final ObjectCodec codec;
    private final ServiceAccountTokens tokens;
    private final ResourceType serviceAccounts;
    private final ResourceType pods;
    private final ResourceType secrets;
    private final ResourceType nodes;

    public TokenRequests(ObjectStore store, ResourceRegistry registry, ObjectCodec codec,
            ServiceAccountTokens tokens) {
        this.store = store;
        this.codec = codec;
        this.tokens = tokens;
        this.serviceAccounts = registry.find("", "v1", "serviceaccounts").orElseThrow();
        this.pods = registry.find("", "v1", "pods").orElseThrow();
        this.secrets = registry.find("", "v1", "secrets").orElseThrow();
        this.nodes = registry.find("", "v1", "nodes").orElseThrow();
    }

    /** The key the endpoint finds this handler by. */
    public static String key() {
        return SubresourceHandler.key("serviceaccounts", "", "token");
    }

    @Override
    public ApiResponse handle(ResourceRequest request) {
        if (!request.method().equals("POST")) {
            throw ApiException.methodNotAllowed();
        }
        String namespace = request.namespace();
        String name = request.name();
        ObjectNode tokenRequest = request.hasBody() ? request.decodeObject(codec)
                : JsonNodeFactory.instance.objectNode();
        String kind = tokenRequest.path("kind").asText("");
        if (!kind.isEmpty() && !kind.equals(KIND)) {
            throw ApiException.badRequest("the body of the request was in an unknown format - accepted media types "
                    + "include: application/json, application/yaml, application/vnd.kubernetes.protobuf (kind "
                    + kind + " is not " + KIND + ")");
        }
        ObjectNode meta = tokenRequest.get("metadata") instanceof ObjectNode m ? m : tokenRequest.putObject("metadata");
        String bodyName = meta.path("name").asText("");
        if (!bodyName.isEmpty() && !bodyName.equals(name)) {
            throw invalid(name, "metadata.name", "Invalid value: \"" + bodyName
                    + "\": must match the service account name if specified");
        }
        String bodyNamespace = meta.path("namespace").asText("");
        if (!bodyNamespace.isEmpty() && !bodyNamespace.equals(namespace)) {
            throw invalid(name, "metadata.namespace", "Invalid value: \"" + bodyNamespace
                    + "\": must match the service account namespace if specified");
        }
        ObjectNode serviceAccount = store.get(serviceAccounts, namespace, name);

        ObjectNode spec = tokenRequest.get("spec") instanceof ObjectNode s ? s : tokenRequest.putObject("spec");
        List<String> audiences = new ArrayList<>();
        spec.path("audiences").forEach(a -> audiences.add(a.asText()));
        if (audiences.isEmpty()) {
            audiences.addAll(tokens.apiAudiences());
            spec.set("audiences", JsonNodeFactory.instance.arrayNode());
            audiences.forEach(spec.withArray("audiences")::add);
        }
        JsonNode requested = spec.get("expirationSeconds");
        if (requested == null || requested.isNull()) {
            spec.put("expirationSeconds", DEFAULT_EXPIRATION_SECONDS);
        } else if (!requested.isIntegralNumber()) {
            throw ApiException.badRequest("TokenRequest in version \"v1\" cannot be handled as a TokenRequest: "
                    + "spec.expirationSeconds: expected an integer, got " + requested);
        }
        long expirationSeconds = spec.path("expirationSeconds").asLong();
        meta.put("name", ObjectMetadata.name(serviceAccount));
        meta.put("namespace", namespace);
        Instant now = tokens.clock().instant();
        meta.put("creationTimestamp", ObjectMetadata.timestamp(now));
        tokenRequest.remove("status");
        if (expirationSeconds < MIN_EXPIRATION_SECONDS) {
            throw invalid("", "spec.expirationSeconds", "Invalid value: " + expirationSeconds
                    + ": may not specify a duration less than 10 minutes");
        }
        if (expirationSeconds > MAX_EXPIRATION_SECONDS) {
            throw invalid("", "spec.expirationSeconds", "Invalid value: " + expirationSeconds
                    + ": may not specify a duration larger than 2^32 seconds");
        }

        ServiceAccountTokens.Ref pod = null;
        ServiceAccountTokens.Ref secret = null;
        ServiceAccountTokens.Ref node = null;
        JsonNode ref = spec.get("boundObjectRef");
        if (ref != null && ref.isObject()) {
            String refKind = ref.path("kind").asText("");
            String refVersion = ref.path("apiVersion").asText("");
            String refName = ref.path("name").asText("");
            String refUid = ref.path("uid").asText("");
            boolean core = refVersion.isEmpty() || !refVersion.contains("/");
            String uid;
            if (core && refKind.equals("Pod")) {
                ObjectNode boundPod = store.get(pods, namespace, refName);
                String podServiceAccount = boundPod.path("spec").path("serviceAccountName").asText("");
                if (!name.equals(podServiceAccount)) {
                    throw ApiException.badRequest("cannot bind token for serviceaccount \"" + name
                            + "\" to pod running with different serviceaccount name.");
                }
                uid = ObjectMetadata.uid(boundPod);
                pod = new ServiceAccountTokens.Ref(refName, uid);
                node = nodeOf(boundPod);
            } else if (core && refKind.equals("Node")) {
                ObjectNode boundNode = store.get(nodes, null, refName);
                uid = ObjectMetadata.uid(boundNode);
                node = new ServiceAccountTokens.Ref(refName, uid);
            } else if (core && refKind.equals("Secret")) {
                ObjectNode boundSecret = store.get(secrets, namespace, refName);
                uid = ObjectMetadata.uid(boundSecret);
                secret = new ServiceAccountTokens.Ref(refName, uid);
            } else {
                throw ApiException.badRequest("cannot bind token to object of type " + groupVersionKind(refVersion,
                        refKind));
            }
            if (!refUid.isEmpty() && !refUid.equals(uid)) {
                throw ApiException.conflict(refKind, "", refName, "the UID in the bound object reference (" + refUid
                        + ") does not match the UID in record. The object might have been deleted and then "
                        + "recreated");
            }
        }

        long lifetime = expirationSeconds;
        long warnAfter = 0;
        if (pod != null && expirationSeconds == WARN_ONLY_EXPIRATION_SECONDS
                && tokens.apiAudiences().containsAll(audiences)) {
            warnAfter = expirationSeconds;
            lifetime = EXTENDED_EXPIRATION_SECONDS;
        }
        ObjectNode claims = tokens.claims(namespace, new ServiceAccountTokens.Ref(ObjectMetadata.name(serviceAccount),
                ObjectMetadata.uid(serviceAccount)), pod, secret, node, audiences, now, lifetime, warnAfter);

        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("kind", KIND);
        answer.put("apiVersion", API_VERSION);
        answer.set("metadata", meta);
        answer.set("spec", spec);
        ObjectNode status = answer.putObject("status");
        status.put("token", tokens.sign(claims));
        status.put("expirationTimestamp", ObjectMetadata.timestamp(now.plusSeconds(expirationSeconds)));
        return ApiResponse.created(answer);
    }

    /**
     * The node a bound pod runs on (ServiceAccountTokenPodNodeInfo, on since 1.30): by name only when the Node object
     * does not exist, so a token still says where its pod was scheduled.
     */
    private ServiceAccountTokens.Ref nodeOf(ObjectNode pod) {
        String nodeName = pod.path("spec").path("nodeName").asText("");
        if (nodeName.isEmpty()) {
            return null;
        }
        Optional<ObjectNode> node = store.find(nodes, null, nodeName);
        return new ServiceAccountTokens.Ref(nodeName, node.map(ObjectMetadata::uid).orElse(""));
    }

    /** Go's GroupVersionKind.String(): {@code group/version, Kind=kind}. */
    private static String groupVersionKind(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        return group + "/" + version + ", Kind=" + kind;
    }

    private static ApiException invalid(String name, String field, String message) {
        List<ApiException.Cause> causes = List.of(new ApiException.Cause("FieldValueInvalid", message, field));
        return new ApiException(422, "Invalid", KIND + "." + GROUP + " \"" + name + "\" is invalid: " + field + ": "
                + message, new ApiException.Details(name, GROUP, KIND, causes, 0));
    }
}
