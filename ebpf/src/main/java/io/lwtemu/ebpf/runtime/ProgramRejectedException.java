package io.lwtemu.ebpf.runtime;

import io.lwtemu.ebpf.loader.BpfLoadException;
import io.lwtemu.ebpf.verifier.VerifierException;

import java.util.List;

/** The verifier refused a program; the message names file, section, program, instruction and reason. */
public final class ProgramRejectedException extends BpfLoadException {
    private static final long serialVersionUID = 1L;

    private final transient VerifierException verifierError;

    public ProgramRejectedException(String message, VerifierException cause) {
        super(message, cause);
        this.verifierError = cause;
    }

    /** The verifier's log up to the rejection, like the kernel's verbose log. */
    public List<String> log() {
        return verifierError.log();
    }

    public int insnIndex() {
        return verifierError.insnIndex();
    }
}
