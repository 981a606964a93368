package io.karst.apiserver.endpoint;

import java.util.function.Supplier;

import io.karst.apiserver.selection.RequestOptionsException;
import io.karst.apiserver.status.ApiException;

/** Parsing of query and body options with the selection package, its refusals turned into {@link ApiException}. */
final class RequestOptions {
    private RequestOptions() {
    }

    static <T> T parse(Supplier<T> parsing) {
        try {
            return parsing.get();
        } catch (RequestOptionsException e) {
            throw toApi(e);
        }
    }

    static ApiException toApi(RequestOptionsException e) {
        ApiException.Details details = e.details().map(d -> new ApiException.Details(d.name(), d.group(), d.kind(),
                d.causes().stream().map(c -> new ApiException.Cause(c.reason(), c.message(), c.field())).toList(), 0))
                .orElse(null);
        return new ApiException(e.code(), e.reason(), e.getMessage(), details, e.continueToken().orElse(null));
    }
}
