package io.karst.launcher.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * {@code karst agent} without a shell: a bare OSGi framework (Felix, found through the standard
 * {@link FrameworkFactory} service) running exactly the bundles the launcher listed from the agent's features, with
 * the launcher's configurations read from {@code etc/} by Felix File Install into ConfigAdmin, as in Karaf. Karaf's
 * own platform (features service, JAXB, aether, pax-logging, the shell) is what kept an agent above 100 MB; the
 * bundles, Declarative Services and ConfigAdmin are the same. Logs go to stdout and to
 * {@code <logs>/agent.log} (rotated at 16 MB, 5 files) through java.util.logging, SLF4J's JDK binding being a bundle.
 * SIGTERM stops the framework, so every component deactivates as under Karaf (the containers keep running).
 *
 * <p>Usage: {@code AgentRuntime <runtime dir> <logs dir>}; the runtime dir holds {@code framework.properties},
 * {@code bundles} (one jar path per line, in install order), {@code etc/} and {@code data/}.
 */
public final class AgentRuntime {
    private static final Logger LOG = Logger.getLogger(AgentRuntime.class.getName());
    /** Karaf's log file size and count (etc/org.ops4j.pax.logging.cfg). */
    private static final int LOG_FILE_BYTES = 16 * 1024 * 1024;
    private static final int LOG_FILES = 5;
    private static final long STOP_MILLIS = 60_000;

    private AgentRuntime() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: AgentRuntime <runtime dir> <logs dir>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        logTo(Path.of(args[1]));
        FileLock lock = lock(dir.resolve("data/lock"));
        if (lock == null) {
            System.err.println("karst agent: another agent runs on " + dir + " (it holds its lock)");
            System.exit(1);
        }
        Framework framework = start(frameworkProperties(dir.resolve("framework.properties")),
                Files.readAllLines(dir.resolve("bundles")));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(framework), "karst-agent-stop"));
        framework.waitForStop(0);
    }

    static Framework start(Map<String, String> properties, List<String> bundles) throws BundleException {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        Framework framework = factory.newFramework(properties);
        framework.init();
        List<Bundle> installed = new ArrayList<>();
        for (String jar : bundles) {
            if (!jar.isBlank()) {
                // by reference: the framework reads the jar in system/ instead of copying it into its cache
                installed.add(framework.getBundleContext().installBundle("reference:" + Path.of(jar).toUri()));
            }
        }
        framework.start();
        for (Bundle bundle : installed) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                try {
                    bundle.start();
                } catch (BundleException e) {
                    // as Karaf, go on with the others; the log names what is missing
                    LOG.log(Level.SEVERE, "cannot start " + bundle.getSymbolicName() + ": " + e.getMessage(), e);
                }
            }
        }
        LOG.info("agent runtime started: " + installed.size() + " bundles");
        return framework;
    }

    private static void stop(Framework framework) {
        try {
            LOG.info("stopping the agent runtime");
            framework.stop();
            if (framework.waitForStop(STOP_MILLIS).getType() == org.osgi.framework.FrameworkEvent.WAIT_TIMEDOUT) {
                LOG.warning("the framework did not stop within " + STOP_MILLIS / 1000 + " s");
            }
        } catch (BundleException | InterruptedException e) {
            LOG.log(Level.SEVERE, "stopping the framework failed", e);
        } finally {
            if (LogManager.getLogManager() instanceof RuntimeLogManager manager) {
                manager.close();
            }
        }
    }

    private static Map<String, String> frameworkProperties(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k)));
        return map;
    }

    /** Held for the process's life; the OS drops it when the process ends, even by kill -9. */
    private static FileLock lock(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        return channel.tryLock();
    }

    private static void logTo(Path logs) throws IOException {
        Files.createDirectories(logs);
        // Karaf's pattern, less the bundle columns: time | level | thread | logger's simple name | message
        System.setProperty("java.util.logging.SimpleFormatter.format",
                "%1$tFT%1$tT.%1$tL | %4$-7s | %7$-16.16s | %3$-32.32s | %5$s%6$s%n");
        Formatter formatter = new ThreadNameFormatter();
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        // the process's real stdout: System.out itself is routed into the log below
        Handler stdout = new FlushingHandler(new PrintStream(new FileOutputStream(FileDescriptor.out), false, UTF_8),
                formatter);
        FileHandler file = new FileHandler(logs.resolve("agent.log").toString().replace("%", "%%") + ".%g",
                LOG_FILE_BYTES, LOG_FILES, true);
        file.setFormatter(formatter);
        file.setEncoding("UTF-8");
        root.addHandler(stdout);
        root.addHandler(file);
        root.setLevel(Level.INFO);
        // Felix, SCR and File Install print to stdout and stderr when no OSGi LogService runs (Karaf's pax-logging
        // is one); their lines go through the log as well, so that the file has them too
        System.setOut(new PrintStream(new LineLogger(Logger.getLogger("stdout"), Level.INFO), true, UTF_8));
        System.setErr(new PrintStream(new LineLogger(Logger.getLogger("stderr"), Level.WARNING), true, UTF_8));
    }

    /** Each line written to it is one log record. */
    private static final class LineLogger extends OutputStream {
        private final Logger logger;
        private final Level level;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineLogger(Logger logger, Level level) {
            this.logger = logger;
            this.level = level;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                String text = line.toString(UTF_8);
                line.reset();
                logger.log(level, text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
            } else {
                line.write(b);
            }
        }
    }

    /** {@link SimpleFormatter} with the thread's name as parameter 7 (it has none). */
    private static final class ThreadNameFormatter extends SimpleFormatter {
        private final String format = System.getProperty("java.util.logging.SimpleFormatter.format");

        @Override
        public String format(LogRecord r) {
            String message = formatMessage(r);
            String thrown = "";
            if (r.getThrown() != null) {
                java.io.StringWriter out = new java.io.StringWriter();
                out.append(System.lineSeparator());
                r.getThrown().printStackTrace(new java.io.PrintWriter(out));
                thrown = out.toString();
            }
            String logger = r.getLoggerName() == null ? "" : r.getLoggerName();
            return String.format(format, java.time.ZonedDateTime.ofInstant(r.getInstant(),
                    java.time.ZoneId.systemDefault()), null, logger.substring(logger.lastIndexOf('.') + 1),
                    r.getLevel().getName(), message, thrown, Thread.currentThread().getName());
        }
    }

    /** Stdout, flushed after every record as {@link java.util.logging.ConsoleHandler} does stderr. */
    private static final class FlushingHandler extends StreamHandler {
        FlushingHandler(PrintStream out, Formatter formatter) {
            super(out, formatter);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            super.publish(record);
            flush();
        }

        @Override
        public synchronized void close() {
            flush(); // never close stdout itself
        }
    }
}
