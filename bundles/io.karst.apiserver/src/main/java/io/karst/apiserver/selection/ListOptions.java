package io.karst.apiserver.selection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The query parameters of list, watch and deletecollection, decoded, defaulted and validated as kube-apiserver's
 * list handler does: parameter decoding errors are 400 BadRequest, option combinations upstream forbids are 422
 * Invalid ({@code ListOptions.meta.k8s.io "" is invalid: ...}) with one cause per field.
 *
 * <p>A watch requested through the legacy {@code /watch/} path is the caller's flag: upstream validates such a request
 * with the {@code watch} parameter as given and serves a watch regardless.
 */
public final class ListOptions {
    public static final String NOT_OLDER_THAN = "NotOlderThan";
    public static final String EXACT = "Exact";

    private static final ListOptions DEFAULTS = new ListOptions(LabelSelector.everything(), FieldSelector.everything(),
            false, false, "", "", null, 0, "", null);
    private static final ListOptions ANY_REVISION = new ListOptions(LabelSelector.everything(),
            FieldSelector.everything(), false, false, "0", "", null, 0, "", null);

    private final LabelSelector labelSelector;
    private final FieldSelector fieldSelector;
    private final boolean watch;
    private final boolean allowWatchBookmarks;
    private final String resourceVersion;
    private final String resourceVersionMatch;
    private final Long timeoutSeconds;
    private final long limit;
    private final String continueToken;
    private final Boolean sendInitialEvents;

    private ListOptions(LabelSelector labelSelector, FieldSelector fieldSelector, boolean watch,
            boolean allowWatchBookmarks, String resourceVersion, String resourceVersionMatch, Long timeoutSeconds,
            long limit, String continueToken, Boolean sendInitialEvents) {
        this.labelSelector = labelSelector;
        this.fieldSelector = fieldSelector;
        this.watch = watch;
        this.allowWatchBookmarks = allowWatchBookmarks;
        this.resourceVersion = resourceVersion;
        this.resourceVersionMatch = resourceVersionMatch;
        this.timeoutSeconds = timeoutSeconds;
        this.limit = limit;
        this.continueToken = continueToken;
        this.sendInitialEvents = sendInitialEvents;
    }

    /** A plain list of everything: what no query parameters mean. */
    public static ListOptions defaults() {
        return DEFAULTS;
    }

    /** A list of everything at any revision ({@code resourceVersion=0}): the watch cache answers as it is. */
    public static ListOptions anyRevision() {
        return ANY_REVISION;
    }

    /**
     * Decodes, defaults and validates the query of a list or watch request.
     *
     * @param query            the query parameters, each with its values in order (only the first is used)
     * @param watchListEnabled whether the server behaves as kube-apiserver with the {@code WatchList} feature gate on
     *                         (the default in 1.32, off again in 1.33): {@code sendInitialEvents} is then accepted on
     *                         watches, and a watch from resourceVersion "" or "0" without it defaults to
     *                         {@code sendInitialEvents=true, resourceVersionMatch=NotOlderThan}; when off,
     *                         {@code sendInitialEvents} on a watch is refused
     * @throws RequestOptionsException 400 for a malformed parameter or selector, 422 for a forbidden combination
     */
    public static ListOptions parse(Map<String, List<String>> query, boolean watchListEnabled) {
        // Upstream converts the strings and numbers first, then parses the selectors: errors come in that order.
        String labels = QueryValues.first(query, "labelSelector");
        String fields = QueryValues.first(query, "fieldSelector");
        Boolean watch = QueryValues.bool(query, "watch");
        Boolean bookmarks = QueryValues.bool(query, "allowWatchBookmarks");
        String rv = QueryValues.first(query, "resourceVersion");
        String rvMatch = QueryValues.first(query, "resourceVersionMatch");
        Long timeout = QueryValues.int64(query, "timeoutSeconds");
        Long limit = QueryValues.int64(query, "limit");
        String cont = QueryValues.first(query, "continue");
        Boolean initialEvents = QueryValues.bool(query, "sendInitialEvents");
        LabelSelector labelSelector;
        FieldSelector fieldSelector;
        try {
            labelSelector = labels == null ? LabelSelector.everything() : LabelSelector.parse(labels);
            fieldSelector = fields == null ? FieldSelector.everything() : FieldSelector.parse(fields);
        } catch (InvalidSelectorException e) {
            throw RequestOptionsException.badRequest(e.getMessage());
        }
        ListOptions options = new ListOptions(labelSelector, fieldSelector, Boolean.TRUE.equals(watch),
                Boolean.TRUE.equals(bookmarks), rv == null ? "" : rv, rvMatch == null ? "" : rvMatch, timeout,
                limit == null ? 0 : limit, cont == null ? "" : cont, initialEvents);
        if (watchListEnabled) {
            options = options.withWatchListDefaults();
        }
        List<FieldError> errors = options.validate(watchListEnabled);
        if (!errors.isEmpty()) {
            throw RequestOptionsException.invalid("meta.k8s.io", "ListOptions", "", errors);
        }
        return options;
    }

    /** Upstream's {@code SetListOptionsDefaults} with the WatchList gate on. */
    private ListOptions withWatchListDefaults() {
        if (sendInitialEvents != null || !resourceVersionMatch.isEmpty()) {
            return this;
        }
        boolean legacy = resourceVersion.isEmpty() || resourceVersion.equals("0");
        if (watch && legacy) {
            return new ListOptions(labelSelector, fieldSelector, watch, allowWatchBookmarks, resourceVersion,
                    NOT_OLDER_THAN, timeoutSeconds, limit, continueToken, Boolean.TRUE);
        }
        return this;
    }

    /** Upstream's {@code ValidateListOptions}, with its field paths and messages. */
    private List<FieldError> validate(boolean watchListEnabled) {
        List<FieldError> errs = new ArrayList<>();
        String match = resourceVersionMatch;
        if (watch) {
            if (sendInitialEvents != null) {
                if (!match.equals(NOT_OLDER_THAN)) {
                    errs.add(FieldError.forbidden("resourceVersionMatch",
                            "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
                }
                if (!watchListEnabled) {
                    errs.add(FieldError.forbidden("sendInitialEvents",
                            "sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled"));
                }
            }
            if (!match.isEmpty()) {
                if (sendInitialEvents == null) {
                    errs.add(FieldError.forbidden("resourceVersionMatch",
                            "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
                }
                if (!match.equals(NOT_OLDER_THAN)) {
                    errs.add(FieldError.notSupported("resourceVersionMatch", GoFormat.quote(match),
                            List.of(NOT_OLDER_THAN)));
                }
                if (!continueToken.isEmpty()) {
                    errs.add(FieldError.forbidden("resourceVersionMatch",
                            "resourceVersionMatch is forbidden when continue is provided"));
                }
            }
            return errs;
        }
        if (!match.isEmpty()) {
            if (resourceVersion.isEmpty()) {
                errs.add(FieldError.forbidden("resourceVersionMatch",
                        "resourceVersionMatch is forbidden unless resourceVersion is provided"));
            }
            if (!continueToken.isEmpty()) {
                errs.add(FieldError.forbidden("resourceVersionMatch",
                        "resourceVersionMatch is forbidden when continue is provided"));
            }
            if (!match.equals(EXACT) && !match.equals(NOT_OLDER_THAN)) {
                errs.add(FieldError.notSupported("resourceVersionMatch", GoFormat.quote(match),
                        List.of(EXACT, NOT_OLDER_THAN, "")));
            }
            if (match.equals(EXACT) && resourceVersion.equals("0")) {
                errs.add(FieldError.forbidden("resourceVersionMatch",
                        "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
            }
        }
        if (sendInitialEvents != null) {
            errs.add(FieldError.forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"));
        }
        return errs;
    }

    /**
     * Checks every field selector term against the resource and renames labels where upstream does (pods'
     * {@code spec.host}, the events.k8s.io names). Do this before matching with
     * {@link FieldSelectorSupport#matches}.
     *
     * @throws RequestOptionsException 400 with upstream's refusal, e.g. {@code field label not supported: foo}
     */
    public ListOptions withFieldsFor(FieldSelectorSupport support) {
        try {
            return withFieldSelector(support.convert(fieldSelector));
        } catch (InvalidSelectorException e) {
            throw RequestOptionsException.badRequest(e.getMessage());
        }
    }

    /**
     * For a request naming one object (a watch of {@code .../pods/name}): the field selector becomes
     * {@code metadata.name=<name>}; one already given must pin exactly that name.
     *
     * @throws RequestOptionsException 400 {@code fieldSelector metadata.name doesn't match requested name}
     */
    public ListOptions forNamedObject(String name) {
        if (!fieldSelector.isEverything()) {
            Optional<String> selected = fieldSelector.requiresExactMatch("metadata.name");
            if (selected.isEmpty() || !selected.get().equals(name)) {
                throw RequestOptionsException.badRequest("fieldSelector metadata.name doesn't match requested name");
            }
            return this;
        }
        return withFieldSelector(FieldSelector.oneTermEqual("metadata.name", name));
    }

    private ListOptions withFieldSelector(FieldSelector selector) {
        return new ListOptions(labelSelector, selector, watch, allowWatchBookmarks, resourceVersion,
                resourceVersionMatch, timeoutSeconds, limit, continueToken, sendInitialEvents);
    }

    /**
     * The decoded {@code continue} token, if one was given, with the storage layer's checks: a token is refused with
     * a resourceVersion other than "" or "0". Whether its revision is compacted (410) is the store's decision.
     *
     * @throws RequestOptionsException 400 {@code invalid continue token: ...} or
     *                                 {@code specifying resource version is not allowed when using continue}
     */
    public Optional<ContinueToken> decodeContinue() {
        if (continueToken.isEmpty()) {
            return Optional.empty();
        }
        ContinueToken token = ContinueToken.decode(continueToken);
        if (!resourceVersion.isEmpty() && !resourceVersion.equals("0")) {
            throw RequestOptionsException.badRequest("specifying resource version is not allowed when using continue");
        }
        return Optional.of(token);
    }

    /**
     * A resourceVersion parameter as a revision: "" and "0" are 0 (any/most recent, by context); otherwise a decimal
     * uint64 as upstream's versioner parses it.
     *
     * @throws RequestOptionsException 400 {@code invalid resource version: resourceVersion: Invalid value: ...}
     */
    public static long parseResourceVersion(String resourceVersion) {
        if (resourceVersion.isEmpty() || resourceVersion.equals("0")) {
            return 0;
        }
        GoFormat.ParsedInt parsed = GoFormat.parseUint64(resourceVersion);
        if (!parsed.ok()) {
            throw RequestOptionsException.badRequest("invalid resource version: "
                    + FieldError.invalid("resourceVersion", resourceVersion, parsed.error()));
        }
        return parsed.value();
    }

    public LabelSelector labelSelector() {
        return labelSelector;
    }

    public FieldSelector fieldSelector() {
        return fieldSelector;
    }

    /** The {@code watch} parameter (not the legacy {@code /watch/} path, which the router knows). */
    public boolean watch() {
        return watch;
    }

    public boolean allowWatchBookmarks() {
        return allowWatchBookmarks;
    }

    /** The {@code resourceVersion} parameter; "" when absent. */
    public String resourceVersion() {
        return resourceVersion;
    }

    /** The {@code resourceVersionMatch} parameter ({@link #EXACT}, {@link #NOT_OLDER_THAN}); "" when absent. */
    public String resourceVersionMatch() {
        return resourceVersionMatch;
    }

    public OptionalLong timeoutSeconds() {
        return timeoutSeconds == null ? OptionalLong.empty() : OptionalLong.of(timeoutSeconds);
    }

    /** The {@code limit} parameter; zero or negative means no limit, as upstream treats it. */
    public long limit() {
        return limit;
    }

    public boolean hasLimit() {
        return limit > 0;
    }

    /** The raw {@code continue} parameter; "" when absent. See {@link #decodeContinue()}. */
    public String continueToken() {
        return continueToken;
    }

    public Optional<Boolean> sendInitialEvents() {
        return Optional.ofNullable(sendInitialEvents);
    }

    /**
     * Upstream's {@code isListWatchRequest}: a watch that streams the initial state and ends it with a bookmark
     * (which needs the WatchList gate, sendInitialEvents=true and allowWatchBookmarks).
     */
    public boolean isWatchList(boolean watchListEnabled) {
        return watchListEnabled && Boolean.TRUE.equals(sendInitialEvents) && allowWatchBookmarks;
    }

    @Override
    public String toString() {
        return "ListOptions[labelSelector=" + labelSelector + ", fieldSelector=" + fieldSelector + ", watch=" + watch
                + ", allowWatchBookmarks=" + allowWatchBookmarks + ", resourceVersion=" + resourceVersion
                + ", resourceVersionMatch=" + resourceVersionMatch + ", timeoutSeconds=" + timeoutSeconds
                + ", limit=" + limit + ", continue=" + continueToken + ", sendInitialEvents=" + sendInitialEvents
                + "]";
    }
}
