package io.repeaterdispatch.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package structure (docs/architecture.md, "Packages and dependency direction"), checked on
 * the compiled main classes. Dependencies point one way:
 *
 * <pre>
 *   admin.auth -> admin.web -> admin.service -> admin.repository -> admin.entity
 *                       \            |    \             \
 *                        \           |     +-> store, delivery, security
 *                         +----------+----> admin.model
 *   dispatch -> store, delivery, lock          store -> security
 *   everything -> config -> core;  core -> nothing of ours
 * </pre>
 *
 * Admin never imports dispatch: its services fire core.WorkQueued after a commit and dispatch observes it.
 */
class ArchitectureTest {

    private static final String ROOT = "io.repeaterdispatch";
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    static final ArchRule NO_PACKAGE_CYCLES = slices().matching(ROOT + ".(**)").should().beFreeOfCycles();

    @Test
    void packagesHaveNoCycles() {
        NO_PACKAGE_CYCLES.check(MAIN);
    }

    /** The cycle rule is not vacuous: on two packages that import each other it reports a violation. */
    @Test
    void theCycleRuleCatchesACycle() {
        JavaClasses cycle = new ClassFileImporter().importPackages(ROOT + ".architecture.cyclefixture");
        EvaluationResult result = slices().matching(ROOT + ".architecture.cyclefixture.(*)..").should().beFreeOfCycles()
                .evaluate(cycle);
        assertTrue(result.hasViolation(), "a cycle between cyclefixture.a and cyclefixture.b went unreported");
        assertFalse(MAIN.isEmpty(), "no main classes were imported");
    }

    @Test
    void coreDependsOnNothingOfOurs() {
        noClasses().that().resideInAPackage(ROOT + ".core..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".admin..", ROOT + ".config..", ROOT + ".delivery..",
                        ROOT + ".dispatch..", ROOT + ".lock..", ROOT + ".security..", ROOT + ".store..")
                .check(MAIN);
    }

    @Test
    void configDependsOnlyOnCore() {
        noClasses().that().resideInAPackage(ROOT + ".config..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".admin..", ROOT + ".delivery..",
                        ROOT + ".dispatch..", ROOT + ".lock..", ROOT + ".security..", ROOT + ".store..")
                .check(MAIN);
    }

    @Test
    void onlyTheAdminSideKnowsTheAdminPackages() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".admin..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".admin..")
                .check(MAIN);
    }

    @Test
    void adminNeverReachesIntoTheDispatchLoop() {
        noClasses().that().resideInAPackage(ROOT + ".admin..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".dispatch..", ROOT + ".lock..")
                .check(MAIN);
    }

    @Test
    void resourcesGoThroughServices() {
        noClasses().that().resideInAPackage(ROOT + ".admin.web..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".admin.repository..", ROOT + ".admin.entity..",
                        ROOT + ".store..", "io.quarkus.hibernate..", "org.hibernate..")
                .check(MAIN);
    }

    @Test
    void repositoriesKnowNoServiceOrResource() {
        noClasses().that().resideInAPackage(ROOT + ".admin.repository..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".admin.service..", ROOT + ".admin.web..")
                .check(MAIN);
    }

    @Test
    void theHotPathStoreKnowsNoCaller() {
        noClasses().that().resideInAnyPackage(ROOT + ".store..", ROOT + ".delivery..", ROOT + ".lock..", ROOT + ".security..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".dispatch..", ROOT + ".admin..")
                .check(MAIN);
    }

    @Test
    void storeAndDeliveryAreIndependent() {
        noClasses().that().resideInAPackage(ROOT + ".store..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".delivery..")
                .check(MAIN);
        noClasses().that().resideInAPackage(ROOT + ".delivery..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".store..")
                .check(MAIN);
    }
}
