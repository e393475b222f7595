package io.repeaterdispatch.architecture.cyclefixture.b;

import io.repeaterdispatch.architecture.cyclefixture.a.A;

/** The other half of the deliberate cycle. */
public class B {
    A partner;
}
