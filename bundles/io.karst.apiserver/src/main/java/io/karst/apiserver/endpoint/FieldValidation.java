package io.karst.apiserver.endpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.schema.FieldError;
import io.karst.apiserver.schema.SchemaModel;
import io.karst.apiserver.schema.SchemaValidator;
import io.karst.apiserver.schema.TypeSchema;
import io.karst.apiserver.schema.UnknownFieldPruner;
import io.karst.apiserver.status.ApiException;
import io.karst.apiserver.validation.InvalidStatus;

/**
 * What decoding a body into upstream's Go types decides, done on the JSON tree of a create, update or patch
 * result: a value of the wrong JSON type (or an unparsable quantity, time or base64) is a 400 "cannot be handled
 * as a Kind"; unknown fields are dropped and, by the {@code fieldValidation} directive, refused ({@code Strict}:
 * 400 "strict decoding error"), reported as warnings ({@code Warn}, the default) or ignored ({@code Ignore}).
 */
final class FieldValidation {
    private static final SchemaValidator VALIDATOR = new SchemaValidator(SchemaModel.builtIn());

    private FieldValidation() {
    }

    /**
     * Checks and prunes {@code object} (in place) for a write of {@code type}.
     *
     * @return the warnings to send (Warn)
     * @throws ApiException 400 for a decoding error, for unknown fields under Strict, or a bad directive
     */
    static List<String> check(ResourceRequest request, ResourceType type, String kind, ObjectNode object) {
        return check(request, type, kind, object, true);
    }

    /**
     * @param decoding whether {@code object} is a request body being decoded (create, update), whose strict
     *        failures upstream words as "cannot be handled as a Kind", rather than the result of a patch
     */
    static List<String> check(ResourceRequest request, ResourceType type, String kind, ObjectNode object,
            boolean decoding) {
        String directive = directive(request);
        if (type.custom()) {
            return checkCustom(type, kind, object, directive, decoding);
        }
        Optional<TypeSchema> schema = SchemaModel.builtIn().forKind(type.group(), type.version(), kind);
        if (schema.isEmpty()) {
            return List.of(); // kinds without a built-in schema (custom resources) validate elsewhere
        }
        List<FieldError> errors = VALIDATOR.validate(schema.get(), object);
        for (FieldError e : errors) {
            if (e.kind() == FieldError.Kind.WRONG_TYPE || e.kind() == FieldError.Kind.INVALID_VALUE) {
                throw ApiException.badRequest(kind + " in version \"" + type.version() + "\" cannot be handled as a "
                        + kind + ": " + e.message());
            }
        }
        List<String> unknown = new ArrayList<>();
        SchemaValidator.unknownFields(errors).forEach(e -> unknown.add(e.message()));
        UnknownFieldPruner.prune(schema.get(), object);
        if (unknown.isEmpty()) {
            return List.of();
        }
        return switch (directive) {
            case "Strict" -> throw ApiException.badRequest((decoding ? kind + " in version \"" + type.version()
                    + "\" cannot be handled as a " + kind + ": " : "") + "strict decoding error: "
                    + String.join(", ", unknown));
            case "Warn" -> unknown;
            default -> List.of();
        };
    }

    /**
     * A custom resource, as upstream's apiextensions-apiserver decodes it: unknown fields pruned by the version's
     * structural schema (refused or warned of by the directive), defaults applied, then the schema's value
     * validations, whose failures are a 422 Invalid with one cause per field.
     */
    private static List<String> checkCustom(ResourceType type, String kind, ObjectNode object, String directive,
            boolean decoding) {
        List<String> unknown = type.customSchema().prune(object);
        if (!unknown.isEmpty() && directive.equals("Strict")) {
            throw ApiException.badRequest((decoding ? kind + " in version \"" + type.version()
                    + "\" cannot be handled as a " + kind + ": " : "") + "strict decoding error: "
                    + String.join(", ", unknown));
        }
        type.customSchema().applyDefaults(object);
        List<io.karst.apiserver.validation.FieldError> errors = type.customSchema().validate(object);
        if (!errors.isEmpty()) {
            InvalidStatus invalid = new InvalidStatus(type.group(), type.kind(), ObjectMetadata.name(object), errors);
            throw new ApiException(InvalidStatus.CODE, InvalidStatus.REASON, invalid.message(),
                    new ApiException.Details(ObjectMetadata.name(object), type.group(), type.kind(),
                            invalid.causes().stream().map(c -> new ApiException.Cause(c.reason(), c.message(),
                                    c.field())).toList(), 0));
        }
        return directive.equals("Warn") ? unknown : List.of();
    }

    private static String directive(ResourceRequest request) {
        String value = request.param("fieldValidation");
        if (value == null || value.isEmpty()) {
            return "Warn";
        }
        return switch (value) {
            case "Strict", "Warn", "Ignore" -> value;
            default -> throw ApiException.badRequest("fieldValidation: Unsupported value: \"" + value
                    + "\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
        };
    }
}
