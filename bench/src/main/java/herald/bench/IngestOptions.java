package herald.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/** The ingest benchmark's options (see {@code --help}). */
final class IngestOptions {
    List<String> backends = List.of("sqlite", "postgres");
    List<String> cases = List.of("single", "batch");
    List<String> sides = List.of("raw", "herald");
    double warmupSeconds = 15;
    double seconds = 10;
    int singlePool = 700_000;
    int batchPool = 2_500_000;
    boolean virtualClients = false;
    int clients = 64;
    int batchSenders = 8;
    int batchSize = 100;
    String pgHost = "127.0.0.1";
    int pgPort = 5432;
    String pgUser = "postgres";
    boolean pgOptional = false;
    String httpClient = "socket";
    Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
    /** How long each measurement waits for the machine to go quiet before measuring anyway. */
    double quietWaitSeconds = 300;

    static IngestOptions parse(String[] args) {
        IngestOptions o = new IngestOptions();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--pg-optional")) {
                o.pgOptional = true;
                continue;
            }
            if (a.equals("-h") || a.equals("--help")) usage(null);
            if (i + 1 >= args.length) usage("missing value for " + a);
            String v = args[++i];
            switch (a) {
                case "--backends" -> o.backends = List.of(v.split(","));
                case "--cases" -> o.cases = List.of(v.split(","));
                case "--sides" -> o.sides = List.of(v.split(","));
                case "--warmup-seconds" -> o.warmupSeconds = Double.parseDouble(v);
                case "--seconds" -> o.seconds = Double.parseDouble(v);
                case "--single-pool" -> o.singlePool = Integer.parseInt(v);
                case "--batch-pool" -> o.batchPool = Integer.parseInt(v);
                case "--clients" -> o.clients = Integer.parseInt(v);
                case "--batch-senders" -> o.batchSenders = Integer.parseInt(v);
                case "--batch-size" -> o.batchSize = Integer.parseInt(v);
                case "--pg-host" -> o.pgHost = v;
                case "--pg-port" -> o.pgPort = Integer.parseInt(v);
                case "--pg-user" -> o.pgUser = v;
                case "--http-client" -> o.httpClient = v;
                case "--client-threads" -> {
                    if (!v.equals("platform") && !v.equals("virtual")) usage("--client-threads is platform or virtual");
                    o.virtualClients = v.equals("virtual");
                }
                case "--work-dir" -> o.workDir = Path.of(v);
                case "--quiet-wait-seconds" -> o.quietWaitSeconds = Double.parseDouble(v);
                default -> usage("unknown option " + a);
            }
        }
        for (String b : o.backends) if (!b.equals("sqlite") && !b.equals("postgres")) usage("unknown backend " + b);
        for (String c : o.cases) if (!c.equals("single") && !c.equals("batch")) usage("unknown case " + c);
        for (String s : o.sides) if (!s.equals("raw") && !s.equals("herald")) usage("unknown side " + s);
        if (!List.of("socket", "jetty", "jdk").contains(o.httpClient)) usage("--http-client is socket, jetty or jdk");
        if (o.batchPool % o.batchSize != 0) usage("--batch-pool must be a multiple of --batch-size");
        try {
            if (!InetAddress.getByName(o.pgHost).isLoopbackAddress()) usage("--pg-host must be a loopback address");
        } catch (IOException e) {
            usage("--pg-host: " + e.getMessage());
        }
        return o;
    }

    static void usage(String error) {
        if (error != null) System.err.println("error: " + error);
        System.err.println("""
                usage: IngestBenchmark [--backends sqlite,postgres] [--cases single,batch] [--sides raw,herald]
                       [--warmup-seconds 15] [--seconds 10] [--single-pool 700000] [--batch-pool 2500000]
                       [--clients 64] [--batch-senders 8] [--batch-size 100] [--http-client socket|jetty|jdk]
                       [--client-threads platform|virtual]
                       [--pg-host 127.0.0.1] [--pg-port 5432] [--pg-user postgres] [--pg-optional] [--work-dir DIR]
                       [--quiet-wait-seconds 300]""");
        System.exit(error == null ? 0 : 2);
    }
}
