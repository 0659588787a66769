package dev.heartbeat.arch;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;

/**
 * The packages' layers, top to bottom: cli → daemon → beat → probe → {tools, repair} → notify → {model, store}
 * → {audit, transcript} → {config, logging} → support. Every package is in a layer (a new one must be
 * placed here). A package may use those below it, never those above;
 * and no two packages depend on each other in a ring.
 */
@AnalyzeClasses(packages = "dev.heartbeat", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule packagesFormNoCycles =
            slices().matching("dev.heartbeat.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule packagesDependDownwards = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("cli")
            .definedBy("dev.heartbeat.cli..")
            .layer("daemon")
            .definedBy("dev.heartbeat.daemon..")
            .layer("beat")
            .definedBy("dev.heartbeat.beat..")
            .layer("probe")
            .definedBy("dev.heartbeat.probe..")
            .layer("tools")
            .definedBy("dev.heartbeat.tools..")
            .layer("repair")
            .definedBy("dev.heartbeat.repair..")
            .layer("notify")
            .definedBy("dev.heartbeat.notify..")
            .layer("model")
            .definedBy("dev.heartbeat.model..")
            .layer("store")
            .definedBy("dev.heartbeat.store..")
            .layer("audit")
            .definedBy("dev.heartbeat.audit..")
            .layer("transcript")
            .definedBy("dev.heartbeat.transcript..")
            .layer("config")
            .definedBy("dev.heartbeat.config..")
            .layer("logging")
            .definedBy("dev.heartbeat.logging..")
            .layer("support")
            .definedBy("dev.heartbeat.support..")
            .whereLayer("cli")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("daemon")
            .mayOnlyBeAccessedByLayers("cli")
            .whereLayer("beat")
            .mayOnlyBeAccessedByLayers("cli", "daemon")
            .whereLayer("probe")
            .mayOnlyBeAccessedByLayers("cli", "daemon", "beat")
            .whereLayer("tools")
            .mayOnlyBeAccessedByLayers("cli", "daemon", "beat", "probe")
            .whereLayer("repair")
            .mayOnlyBeAccessedByLayers("cli", "daemon", "beat")
            .whereLayer("notify")
            .mayOnlyBeAccessedByLayers("cli", "daemon", "beat", "tools")
            .whereLayer("model")
            .mayOnlyBeAccessedByLayers("cli", "daemon", "beat", "tools", "repair", "notify")
            .whereLayer("store")
            .mayOnlyBeAccessedByLayers("cli", "daemon", "beat", "probe", "tools", "repair", "notify")
            .whereLayer("audit")
            .mayOnlyBeAccessedByLayers("cli", "daemon", "beat", "probe", "tools", "repair", "notify", "store")
            .whereLayer("transcript")
            .mayOnlyBeAccessedByLayers("cli", "daemon", "beat", "tools", "repair", "notify", "model", "store")
            .whereLayer("config")
            .mayOnlyBeAccessedByLayers("cli", "daemon", "beat", "probe", "tools", "repair", "notify", "model", "store")
            // logback finds the set-up as a service; the command line names SLF4J's provider and adds the JSON log
            .whereLayer("logging")
            .mayOnlyBeAccessedByLayers("cli")
            .whereLayer("support")
            .mayOnlyBeAccessedByLayers(
                    "cli",
                    "daemon",
                    "beat",
                    "probe",
                    "tools",
                    "repair",
                    "notify",
                    "model",
                    "store",
                    "audit",
                    "transcript",
                    "config",
                    "logging");

    @ArchTest
    static final ArchRule everyPackageIsInALayer = ArchRuleDefinition.classes()
            .should()
            .resideInAnyPackage(
                    "dev.heartbeat.cli..",
                    "dev.heartbeat.daemon..",
                    "dev.heartbeat.beat..",
                    "dev.heartbeat.probe..",
                    "dev.heartbeat.tools..",
                    "dev.heartbeat.repair..",
                    "dev.heartbeat.notify..",
                    "dev.heartbeat.model..",
                    "dev.heartbeat.store..",
                    "dev.heartbeat.audit..",
                    "dev.heartbeat.transcript..",
                    "dev.heartbeat.config..",
                    "dev.heartbeat.logging..",
                    "dev.heartbeat.support..");
}
