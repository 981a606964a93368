package io.karst.api.admission;

/**
 * A write an admission step refuses. The API server answers 403 Forbidden, with the message after upstream's
 * {@code <resource> "<name>" is forbidden: }.
 */
public class AdmissionDeniedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AdmissionDeniedException(String message) {
        super(message);
    }
}
