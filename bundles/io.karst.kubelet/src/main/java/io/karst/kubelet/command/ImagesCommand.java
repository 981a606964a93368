package io.karst.kubelet.command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import io.karst.api.node.ImageService;

/**
 * {@code karst:images import FILE}: imports an OCI or docker image archive into this node's runtime, pinned as
 * the archives of {@code <data-dir>/agent/images/} are; {@code karst images import} runs it through the shell.
 */
@Command(scope = "karst", name = "images", description = "Node images: import FILE (an OCI or docker archive)")
@Service
public class ImagesCommand implements Action {

    @Reference
    ImageService images;

    @Argument(index = 0, name = "command", description = "import", required = true)
    @Completion(value = StringsCompleter.class, values = {"import"})
    String command;

    @Argument(index = 1, name = "file", description = "the archive (.tar, .tar.gz, .tar.zst), an absolute path",
            required = true)
    String file;

    @Override
    public Object execute() {
        if (!command.equals("import")) {
            throw new IllegalArgumentException("unknown command \"" + command + "\": expected import");
        }
        Path archive = Path.of(file);
        if (!archive.isAbsolute() || !Files.isRegularFile(archive)) {
            throw new IllegalArgumentException(file + " is not an absolute path of an image archive on this node");
        }
        List<String> names = images.importArchive(archive);
        for (String name : names) {
            System.out.println("imported " + name);
        }
        return null;
    }
}
