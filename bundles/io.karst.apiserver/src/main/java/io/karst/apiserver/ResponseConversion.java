package io.karst.apiserver;

import java.time.Clock;
import java.util.List;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.codec.protobuf.ProtobufObjects;
import io.karst.apiserver.endpoint.ResourceRequest;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.table.AcceptHeader;
import io.karst.apiserver.table.ConversionException;
import io.karst.apiserver.table.IncludeObject;
import io.karst.apiserver.table.MediaTypeChoice;
import io.karst.apiserver.table.PartialObjectMetadata;
import io.karst.apiserver.table.CustomResourcePrinter;
import io.karst.apiserver.table.TablePrinter;
import io.karst.apiserver.table.TablePrinters;
import io.karst.apiserver.table.TableWatch;
import io.karst.apiserver.table.TableWriter;

/**
 * What a resource request asked for in its Accept header, and turning the answer into it: the object as stored,
 * a server-side Table (what {@code kubectl get} prints), or PartialObjectMetadata; for watches, each event.
 */
final class ResponseConversion {
    /** Upstream's serializers in its order: a wildcard Accept gets JSON. */
    private static final List<String> SERVED = List.of("application/json", "application/yaml",
            ProtobufObjects.MEDIA_TYPE);
    private static final List<String> TEXTUAL = List.of("application/json", "application/yaml");

    private final MediaTypeChoice choice;
    private final Clock clock;
    /** What the client takes besides protobuf, for objects without a protobuf form; null if nothing. */
    private final MediaTypeChoice textual;

    private ResponseConversion(MediaTypeChoice choice, MediaTypeChoice textual, Clock clock) {
        this.choice = choice;
        this.textual = textual;
        this.clock = clock;
    }

    static ResponseConversion negotiate(String accept, Clock clock) {
        MediaTypeChoice choice;
        try {
            choice = AcceptHeader.negotiate(accept, SERVED, true);
        } catch (ConversionException e) {
            throw toApi(e);
        }
        MediaTypeChoice textual = null;
        if (choice.mediaType().equals(ProtobufObjects.MEDIA_TYPE)) {
            try {
                textual = AcceptHeader.negotiate(accept, TEXTUAL, true);
            } catch (ConversionException e) {
                textual = null; // protobuf only: an object without a message is 406
            }
        }
        return new ResponseConversion(choice, textual, clock);
    }

    /**
     * JSON, YAML or protobuf, as the serializer the client chose; a Table is sent as plain
     * {@code application/json}. Protobuf carries the textual choice the same header allows as its fallback.
     */
    Representation representation() {
        return switch (choice.mediaType()) {
            case "application/yaml" -> new Representation(Representation.Kind.YAML, "application/yaml", null);
            case ProtobufObjects.MEDIA_TYPE -> new Representation(Representation.Kind.PROTOBUF,
                    ProtobufObjects.MEDIA_TYPE, null, textual == null ? null
                            : new ResponseConversion(textual, null, clock).representation());
            default -> Representation.JSON_OBJECT;
        };
    }

    /** The body to send for a successful read ({@code GET}); other answers are sent as they are. */
    JsonNode body(ResourceRequest request, JsonNode body) {
        if (choice.conversion() == MediaTypeChoice.Conversion.NONE || !(body instanceof ObjectNode object)
                || "Status".equals(object.path("kind").asText())) {
            return body;
        }
        try {
            return switch (choice.conversion()) {
                case TABLE -> TableWriter.table(printer(request),
                        object, IncludeObject.parse(request.param("includeObject")), true,
                        choice.conversionGroupVersion(), clock.instant());
                case PARTIAL_OBJECT_METADATA -> PartialObjectMetadata.of(object, choice.conversionGroupVersion());
                case PARTIAL_OBJECT_METADATA_LIST -> PartialObjectMetadata.ofList(object,
                        choice.conversionGroupVersion());
                default -> body;
            };
        } catch (ConversionException e) {
            throw toApi(e);
        }
    }

    /** How each watch event's object is sent; a Table watch sends its column definitions once, first. */
    UnaryOperator<ObjectNode> watchEvents(ResourceRequest request) {
        try {
            return switch (choice.conversion()) {
                case TABLE -> {
                    TableWatch table = new TableWatch(printer(request), IncludeObject.parse(request.param("includeObject")),
                            choice.conversionGroupVersion());
                    yield object -> table.next(object, clock.instant());
                }
                case PARTIAL_OBJECT_METADATA, PARTIAL_OBJECT_METADATA_LIST -> object ->
                        "Status".equals(object.path("kind").asText()) ? object
                                : PartialObjectMetadata.of(object, choice.conversionGroupVersion());
                default -> ResponseWriter.IDENTITY;
            };
        } catch (ConversionException e) {
            throw toApi(e);
        }
    }

    /** The apiVersion of the objects a watch of this request sends. */
    String watchedApiVersion(ResourceRequest request) {
        return choice.conversion() == MediaTypeChoice.Conversion.NONE ? request.type().apiVersion()
                : choice.conversionGroupVersion();
    }

    /** The kind of the objects a watch of this request sends. */
    String watchedKind(ResourceRequest request) {
        return switch (choice.conversion()) {
            case NONE -> request.type().kind();
            case TABLE -> "Table";
            default -> "PartialObjectMetadata";
        };
    }

    /**
     * The printer of the request's resource. A version stored as another prints with the stored version's printer
     * from the object converted to it, so every version has upstream's columns and cells (a v1 HPA lists all the
     * metrics its annotations carry).
     */
    private static TablePrinter printer(ResourceRequest request) {
        ResourceType type = request.type();
        if (type.custom() && !"scale".equals(request.subresource())) {
            return new CustomResourcePrinter(type.customSchema().printerColumns());
        }
        if (!type.converted() || "scale".equals(request.subresource())) {
            return TablePrinters.forResource(type.group(), resource(request));
        }
        String storage = type.conversion().storageApiVersion();
        String storageGroup = storage.contains("/") ? storage.substring(0, storage.indexOf('/')) : "";
        return TablePrinters.forResource(storageGroup, resource(request)).viewing(type::toStorage);
    }

    private static String resource(ResourceRequest request) {
        String sub = request.subresource();
        return sub == null ? request.type().plural() : request.type().plural() + "/" + sub;
    }

    private static ApiException toApi(ConversionException e) {
        return new ApiException(e.code(), e.reason(), e.getMessage(), null);
    }
}
