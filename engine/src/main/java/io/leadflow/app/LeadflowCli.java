package io.leadflow.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Set;

@Command(name = "leadflow", mixinStandardHelpOptions = true, version = "leadflow 0.1.0",
        description = "Event-sourced lead routing on Kafka Streams. Without a command: local mode.",
        subcommands = {LocalCommand.class, EngineCommand.class, GatewayCommand.class, SimulateCommand.class, TailCommand.class, ReattributeCommand.class})
public final class LeadflowCli {
    private static final Set<String> TOP_LEVEL_OPTIONS = Set.of("-h", "--help", "-V", "--version");

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command; {@code local} when none is named, so the bare jar starts everything. */
    static int run(String... args) {
        CommandLine cli = new CommandLine(new LeadflowCli()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(LeadflowCli::startUpError);
        boolean named = args.length > 0 && (cli.getSubcommands().containsKey(args[0]) || TOP_LEVEL_OPTIONS.contains(args[0]));
        return cli.execute(named ? args : prepend("local", args));
    }

    /**
     * A configuration the process cannot start with (a tenant file that does not parse or names an unknown time zone, a
     * Kafka setting leadflow refuses) is said in one line per cause, as an operator reads it, with exit code 2; anything
     * else keeps its stack trace.
     */
    private static int startUpError(Exception e, CommandLine command, CommandLine.ParseResult parsed) throws Exception {
        if (!(e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException || e instanceof java.io.IOException)) {
            throw e;
        }
        StringBuilder said = new StringBuilder("leadflow " + command.getCommandName() + ": " + e.getMessage());
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !said.toString().contains(cause.getMessage())) {
                said.append(System.lineSeparator()).append("  because: ").append(cause.getMessage().lines().findFirst().orElse(""));
            }
        }
        command.getErr().println(said);
        return 2;
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
