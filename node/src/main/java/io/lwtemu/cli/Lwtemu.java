package io.lwtemu.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lwtemu} command line: one subcommand per job, like {@code ip} and {@code bpftool}. */
@Command(name = "lwtemu",
        mixinStandardHelpOptions = true,
        versionProvider = Lwtemu.Version.class,
        description = "Emulates networks of Linux routers whose routes run real LWT eBPF programs.",
        subcommands = {RunCommand.class, PingCommand.class, TracerouteCommand.class, RoutesCommand.class,
            LinksCommand.class, MapsCommand.class, BpfCommand.class, CaptureCommand.class,
            ExperimentCommand.class, NodeCommand.class, BenchCommand.class})
public final class Lwtemu implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns its exit status. */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /**
     * The configured command line; tests set its out and err writers ({@code setOut}/{@code setErr}, which
     * subcommands inherit) and call {@code execute}. Commands print only to those writers.
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Lwtemu());
        cli.setExecutionExceptionHandler(new UserErrorHandler());
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** Reports errors a user can cause as one line, without a stack trace. */
    static final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
            if (e instanceof UserException || e instanceof java.io.UncheckedIOException
                    || e instanceof java.io.IOException || e instanceof IllegalArgumentException) {
                cli.getErr().println(cli.getCommandSpec().qualifiedName() + ": " + e.getMessage());
                cli.getErr().flush();
                return 1;
            }
            cli.getErr().println(cli.getCommandSpec().qualifiedName() + ": internal error: " + e);
            e.printStackTrace(cli.getErr());
            return 70; // EX_SOFTWARE
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Lwtemu.class.getPackage().getImplementationVersion();
            return new String[] {"lwtemu " + (v == null ? "dev" : v)};
        }
    }
}
