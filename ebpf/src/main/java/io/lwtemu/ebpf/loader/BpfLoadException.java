package io.lwtemu.ebpf.loader;

/**
 * A BPF object file cannot be loaded: malformed ELF or BTF, an unsupported feature, or a program the
 * loader cannot link. The message names the file and the section, symbol or instruction concerned, so it
 * can be shown to a user as is.
 */
public class BpfLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BpfLoadException(String message) {
        super(message);
    }

    public BpfLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
