package herald;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The floors of the house (docs/architecture.md), kept true: the ground floor (plain data, JSON,
 * validation, ids, config, store) knows nothing above it; the domain knows no use case, edge or
 * wiring; use cases know no edge; only the edges speak HTTP; nothing depends on the app, which only
 * wires; and no two packages depend on each other.
 */
class ArchitectureTest {
    static final String[] GROUND = {"herald.json..", "herald.problem..", "herald.ids..", "herald.net..", "herald.crypto..",
            "herald.config..", "herald.store..", "herald.run..", "herald.text..", "herald.metrics.."};
    static final String[] DOMAIN = {"herald.event..", "herald.subscription..", "herald.rendering..", "herald.routing..",
            "herald.outbound..", "herald.delivery..", "herald.ingest..", "herald.sources..", "herald.catalog..",
            "herald.access..", "herald.migration..", "herald.audit..", "herald.inspector..", "herald.openedx..", "herald.webfilter..", "herald.hooks..",
            "herald.amqp..", "herald.privacy..", "herald.ops.."};
    static final String[] USE_CASES = {"herald.usecase.."};
    static final String[] EDGES = {"herald.api..", "herald.cli..", "herald.web.."};
    static final String[] APP = {"herald.app.."};

    static JavaClasses main;

    @BeforeAll
    static void importMain() {
        // the server's own classes: not its tests, nor the client module's jar (its own artifact, depending on nothing here)
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS).importPackages("herald");
    }

    @Test
    void everyPackageIsOnAFloor() {
        List<String> floors = Stream.of(GROUND, DOMAIN, USE_CASES, EDGES, APP).flatMap(Stream::of)
                .map(p -> p.substring(0, p.length() - 2)).toList();
        main.stream().map(c -> c.getPackageName()).distinct().forEach(pkg ->
                assertThat(floors.stream().anyMatch(f -> pkg.equals(f) || pkg.startsWith(f + ".")))
                        .as("package %s is on no floor of ArchitectureTest", pkg).isTrue());
    }

    @Test
    void noPackageCycles() {
        slices().matching("herald.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void dependenciesGoOneWay() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("ground").definedBy(GROUND)
                .layer("domain").definedBy(DOMAIN)
                .layer("use cases").definedBy(USE_CASES)
                .layer("edges").definedBy(EDGES)
                .layer("app").definedBy(APP)
                .whereLayer("app").mayNotBeAccessedByAnyLayer()
                .whereLayer("edges").mayOnlyBeAccessedByLayers("app")
                .whereLayer("use cases").mayOnlyBeAccessedByLayers("edges", "app")
                .whereLayer("domain").mayOnlyBeAccessedByLayers("use cases", "edges", "app")
                .check(main);
    }

    @Test
    void theGroundFloorKnowsNothingAboveIt() {
        noClasses().that().resideInAnyPackage(GROUND).should().dependOnClassesThat()
                .resideInAnyPackage(concat(DOMAIN, USE_CASES, EDGES, APP)).check(main);
    }

    @Test
    void onlyTheEdgesSpeakHttp() {
        noClasses().that().resideOutsideOfPackages(concat(EDGES, APP)).should().dependOnClassesThat()
                .resideInAnyPackage("io.javalin..", "jakarta.servlet..", "org.eclipse.jetty.server..").check(main);
    }

    @Test
    void noMainSourceFileIsOver500Lines() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                assertThat(Files.readAllLines(f)).as("lines of %s", f).hasSizeLessThanOrEqualTo(500);
            }
        }
    }

    private static String[] concat(String[]... groups) {
        return Stream.of(groups).flatMap(Stream::of).toArray(String[]::new);
    }
}
