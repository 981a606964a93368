package io.karst.cri.containerd.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import io.karst.api.node.ContainerRuntimeException;

/**
 * Imports an OCI or docker image archive into containerd's {@code k8s.io} namespace, where the CRI plugin sees it,
 * with containerd's own {@code ctr images import}: CRI has no import call. ctr 1.6 reads only an uncompressed tar, so
 * {@code .tar.gz} is decompressed here and {@code .tar.zst} by the {@code zstd} program, both streamed into ctr's
 * standard input. Only the host platform's content is imported (ctr's default), which is what a node runs.
 */
final class ArchiveImporter {
    /** ctr prints {@code unpacking <name> (<digest>)...done} for each image it imported. */
    private static final Pattern UNPACKING = Pattern.compile("unpacking (\\S+) \\((sha256:[0-9a-f]+)\\)");
    private static final long TIMEOUT_MINUTES = 30;

    private final String ctr;
    private final String zstd;
    private final Path socket;

    ArchiveImporter(String ctr, String zstd, Path socket) {
        this.ctr = ctr;
        this.zstd = zstd;
        this.socket = socket;
    }

    static boolean isArchive(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".tar") || name.endsWith(".tar.gz") || name.endsWith(".tgz")
                || name.endsWith(".tar.zst");
    }

    /** @return the names of the images imported, as containerd now lists them */
    List<String> importArchive(Path archive) {
        if (!Files.isRegularFile(archive)) {
            throw new ContainerRuntimeException("cannot import " + archive + ": not a file");
        }
        String name = archive.getFileName().toString();
        if (!isArchive(archive)) {
            throw new ContainerRuntimeException("cannot import " + archive
                    + ": only .tar, .tar.gz and .tar.zst image archives are supported");
        }
        List<String> command = List.of(ctr, "--address", socket.toString(), "--namespace", "k8s.io",
                "images", "import", "-");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new ContainerRuntimeException("cannot import " + archive + ": cannot run " + ctr + ": "
                    + e.getMessage(), e);
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        Process decompressor = null;
        try (OutputStream stdin = process.getOutputStream()) {
            if (name.endsWith(".tar.zst")) {
                decompressor = new ProcessBuilder(zstd, "--decompress", "--stdout", "--quiet", archive.toString())
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                try (InputStream in = decompressor.getInputStream()) {
                    in.transferTo(stdin);
                }
            } else if (name.endsWith(".tar")) {
                try (InputStream in = Files.newInputStream(archive)) {
                    in.transferTo(stdin);
                }
            } else {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(archive), 1 << 16)) {
                    in.transferTo(stdin);
                }
            }
        } catch (IOException e) {
            // ctr may have stopped reading because it refused the archive: its own words say more than EPIPE
            String said = "";
            try {
                if (process.waitFor(10, TimeUnit.SECONDS)) {
                    said = output.join().strip();
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            process.destroy();
            if (decompressor != null) {
                decompressor.destroy();
            }
            String hint = decompressor == null && name.endsWith(".tar.zst")
                    ? " (.tar.zst needs the zstd program: " + zstd + ")" : "";
            throw new ContainerRuntimeException("cannot import " + archive + ": "
                    + (said.isEmpty() ? e.getMessage() + hint : said), e);
        }
        try {
            if (decompressor != null && decompressor.waitFor() != 0) {
                process.destroy();
                throw new ContainerRuntimeException("cannot import " + archive + ": " + zstd + " failed with status "
                        + decompressor.exitValue());
            }
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new ContainerRuntimeException("cannot import " + archive + ": ctr did not finish in "
                        + TIMEOUT_MINUTES + " minutes");
            }
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new ContainerRuntimeException("import of " + archive + " interrupted");
        }
        String text = output.join();
        if (process.exitValue() != 0) {
            throw new ContainerRuntimeException("cannot import " + archive + ": " + text.strip());
        }
        return importedNames(text);
    }

    static List<String> importedNames(String ctrOutput) {
        List<String> names = new ArrayList<>();
        Matcher matcher = UNPACKING.matcher(ctrOutput);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
