package io.karst.schemagen;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;

/** Lists the top-level classes of the package of an anchor class inside the jar that holds it. */
final class JarClasses {

  private JarClasses() {}

  static List<String> topLevelClasses(Class<?> anchor) throws IOException {
    Path jar;
    try {
      jar = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
    String prefix = anchor.getPackageName().replace('.', '/') + "/";
    List<String> names = new ArrayList<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      file.stream()
          .map(e -> e.getName())
          .filter(n -> n.startsWith(prefix) && n.endsWith(".class") && !n.contains("$"))
          .filter(n -> n.indexOf('/', prefix.length()) < 0)
          .forEach(n -> names.add(n.substring(0, n.length() - 6).replace('/', '.')));
    }
    Collections.sort(names);
    return names;
  }
}
