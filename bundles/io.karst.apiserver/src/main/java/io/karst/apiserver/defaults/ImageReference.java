package io.karst.apiserver.defaults;

/** The tag of a container image reference, as upstream's image-name parser finds it. */
final class ImageReference {
    private ImageReference() {
    }

    /** The tag, "latest" when the reference has neither tag nor digest, "" when it has only a digest. */
    static String tag(String image) {
        String name = image;
        boolean digest = false;
        int at = name.indexOf('@');
        if (at >= 0) {
            digest = true;
            name = name.substring(0, at);
        }
        int slash = name.lastIndexOf('/');
        int colon = name.indexOf(':', slash + 1);
        String tag = colon >= 0 ? name.substring(colon + 1) : "";
        if (tag.isEmpty() && !digest) {
            return "latest";
        }
        return tag;
    }

    /** Always for :latest (or no tag), IfNotPresent otherwise. */
    static String defaultPullPolicy(String image) {
        return tag(image).equals("latest") ? "Always" : "IfNotPresent";
    }
}
