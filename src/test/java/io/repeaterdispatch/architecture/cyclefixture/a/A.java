package io.repeaterdispatch.architecture.cyclefixture.a;

import io.repeaterdispatch.architecture.cyclefixture.b.B;

/** Half of a deliberate package cycle: ArchitectureTest shows its rules catch one. */
public class A {
    B partner;
}
