package io.karst.launcher.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.karst.launcher.cli.SnapshotDirectory.Snapshot;
import io.karst.launcher.cli.SubcommandArguments.Option;
import io.karst.launcher.config.ResolvedConfig;

/**
 * {@code karst datastore snapshot save|ls|restore}: backups of the embedded SQLite datastore, as
 * {@code k3s etcd-snapshot}. A snapshot is taken online; a restore replaces the database of a stopped server.
 */
public final class DatastoreCommand implements Subcommand {
    private static final String USAGE = """
            Usage: karst datastore snapshot COMMAND [options] [server flags such as --data-dir, --config]

              save [--name on-demand] [--dir DIR]
                     Save a consistent snapshot of the datastore, also while the server runs, as
                     DIR/<name>-<node name>-<unix time> (DIR: <data-dir>/server/db/snapshots)
              ls [--dir DIR] [-o text|json|yaml]
                     List snapshots
              restore --name SNAPSHOT [--dir DIR]
                     Replace the datastore of a stopped server with a snapshot (a name from ls, or a path);
                     the previous database is kept as state.db.pre-restore-<unix time>
            """;
    private static final Path DATABASE = Path.of("server", "db", "state.db");
    private static final Path SNAPSHOTS = Path.of("server", "db", "snapshots");

    private final Clock clock;

    public DatastoreCommand() {
        this(Clock.systemUTC());
    }

    DatastoreCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h")) {
            (args.isEmpty() ? err : out).print(USAGE);
            return args.isEmpty() ? 1 : 0;
        }
        String command = args.get(0).equals("snapshot") && args.size() > 1 && !args.get(1).startsWith("-")
                ? "snapshot " + args.get(1) : args.get(0);
        try {
            if (!args.get(0).equals("snapshot")) {
                throw new CommandFailure("unknown command \"" + args.get(0) + "\": expected snapshot");
            }
            if (args.size() < 2) {
                throw new CommandFailure("missing command: expected save, ls or restore");
            }
            List<String> rest = args.subList(2, args.size());
            return switch (args.get(1)) {
                case "save" -> save(rest, env, out);
                case "ls", "list" -> list(rest, env, out);
                case "restore" -> restore(rest, env, out);
                case "--help", "-h" -> {
                    out.print(USAGE);
                    yield 0;
                }
                default -> throw new CommandFailure("unknown command \"" + args.get(1)
                        + "\": expected save, ls or restore");
            };
        } catch (CommandFailure e) {
            err.println("karst datastore " + command + ": " + e.getMessage());
            return 1;
        }
    }

    private int save(List<String> args, Map<String, String> env, PrintStream out) throws CommandFailure {
        SubcommandArguments parsed = SubcommandArguments.parse(args,
                List.of(Option.withValue("name", ""), Option.withValue("dir", "")));
        if (parsed.help()) {
            out.print(USAGE);
            return 0;
        }
        parsed.noPositionals();
        String name = parsed.last("name").orElse("on-demand");
        if (!SnapshotDirectory.NAME.matcher(name).matches()) {
            throw new CommandFailure("--name \"" + name + "\": use letters, digits, '.', '_' and '-'");
        }
        ResolvedConfig config = sqliteConfig(parsed, env);
        Path database = database(config);
        SnapshotDirectory snapshots = snapshots(parsed, config);
        Path target = snapshots.dir().resolve(SnapshotDirectory.fileName(name, config.string("node-name"),
                clock.instant()));
        if (Files.exists(target)) {
            throw new CommandFailure(target + " exists already");
        }
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        try {
            // The datastore holds the cluster's Secrets: its copies are for the owner's eyes only.
            Files.createDirectories(snapshots.dir(), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Files.deleteIfExists(partial);
            SqliteFiles.vacuumInto(database, partial);
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-------"));
            force(partial);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CommandFailure("cannot write " + target + ": " + e);
        } finally {
            deleteQuietly(partial);
        }
        SqliteFiles.Revisions revisions = SqliteFiles.verify(target);
        out.println("Snapshot " + target.getFileName() + " saved to " + target + " at revision "
                + revisions.revision());
        return 0;
    }

    private int list(List<String> args, Map<String, String> env, PrintStream out) throws CommandFailure {
        SubcommandArguments parsed = SubcommandArguments.parse(args,
                List.of(Option.withValue("dir", ""), Option.withValue("output", "o")));
        if (parsed.help()) {
            out.print(USAGE);
            return 0;
        }
        parsed.noPositionals();
        OutputFormat format = OutputFormat.parse(parsed.last("output"),
                List.of(OutputFormat.TEXT, OutputFormat.JSON, OutputFormat.YAML));
        List<Snapshot> snapshots = snapshots(parsed, ServerConfig.resolve(parsed.serverArgs(), env)).list();
        if (format == OutputFormat.TEXT) {
            TextTable table = new TextTable("NAME", "LOCATION", "SIZE", "CREATED");
            for (Snapshot snapshot : snapshots) {
                table.row(snapshot.name(), snapshot.path().toUri(), snapshot.sizeBytes(),
                        OutputFormat.timestamp(snapshot.created()));
            }
            table.print(out);
            return 0;
        }
        List<Map<String, Object>> data = new ArrayList<>();
        for (Snapshot snapshot : snapshots) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("name", snapshot.name());
            item.put("location", snapshot.path().toUri().toString());
            item.put("size", snapshot.sizeBytes());
            item.put("created", OutputFormat.timestamp(snapshot.created()));
            data.add(item);
        }
        out.print(OutputFormat.render(format, data));
        return 0;
    }

    private int restore(List<String> args, Map<String, String> env, PrintStream out) throws CommandFailure {
        SubcommandArguments parsed = SubcommandArguments.parse(args,
                List.of(Option.withValue("name", ""), Option.withValue("dir", "")));
        if (parsed.help()) {
            out.print(USAGE);
            return 0;
        }
        // As k3s's --cluster-reset-restore-path, the snapshot may also come as the one positional argument.
        List<String> positionals = parsed.positionals();
        if (positionals.size() > 1 || (positionals.size() == 1 && parsed.last("name").isPresent())) {
            throw new CommandFailure("expected one snapshot: --name SNAPSHOT");
        }
        String given = parsed.last("name").or(() -> positionals.stream().findFirst())
                .orElseThrow(() -> new CommandFailure("missing --name: expected a snapshot name from ls, or a path"));
        ResolvedConfig config = sqliteConfig(parsed, env);
        Path dataDir = dataDir(config);
        RunningServer.requireStopped(dataDir);
        Path snapshot = snapshots(parsed, config).find(given);
        Path database = dataDir.resolve(DATABASE);
        DatastoreRestore.Result result = new DatastoreRestore(database, clock.instant()).restore(snapshot);
        out.println("Restored " + snapshot + " into " + database + " at revision " + result.revisions().revision()
                + (result.backup() == null ? "" : "; the previous database is kept as " + result.backup()));
        out.println("Start the server to use it; clients watching from later revisions must list again.");
        return 0;
    }

    /** The config, refused when the server keeps its state in an external database this command cannot copy. */
    private static ResolvedConfig sqliteConfig(SubcommandArguments parsed, Map<String, String> env)
            throws CommandFailure {
        ResolvedConfig config = ServerConfig.resolve(parsed.serverArgs(), env);
        String endpoint = config.optional("datastore-endpoint").orElse("");
        if (!endpoint.isEmpty() && !endpoint.startsWith("sqlite://")) {
            throw new CommandFailure("snapshots cover the embedded SQLite datastore; back up the external "
                    + "database of --datastore-endpoint with its own tools (pg_dump, mysqldump)");
        }
        return config;
    }

    private static Path dataDir(ResolvedConfig config) {
        return Path.of(config.string("data-dir")).toAbsolutePath();
    }

    private static Path database(ResolvedConfig config) throws CommandFailure {
        Path database = dataDir(config).resolve(DATABASE);
        if (!Files.isRegularFile(database)) {
            throw new CommandFailure("no datastore at " + database + ": start 'karst server' first");
        }
        return database;
    }

    private static SnapshotDirectory snapshots(SubcommandArguments parsed, ResolvedConfig config) {
        return new SnapshotDirectory(parsed.last("dir").map(Path::of).map(Path::toAbsolutePath)
                .orElseGet(() -> dataDir(config).resolve(SNAPSHOTS)));
    }

    static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A leftover hidden .partial file is overwritten by the next save and never listed.
        }
    }
}
