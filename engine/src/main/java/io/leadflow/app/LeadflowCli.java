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
        CommandLine cli = new CommandLine(new LeadflowCli()).setCaseInsensitiveEnumValuesAllowed(true);
        boolean named = args.length > 0 && (cli.getSubcommands().containsKey(args[0]) || TOP_LEVEL_OPTIONS.contains(args[0]));
        return cli.execute(named ? args : prepend("local", args));
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
