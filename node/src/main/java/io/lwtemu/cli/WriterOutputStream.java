package io.lwtemu.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Lets code that prints to a PrintStream write to the command's PrintWriter (ASCII/UTF-8 text only). */
final class WriterOutputStream extends OutputStream {
    private final PrintWriter out;
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

    WriterOutputStream(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void write(int b) {
        line.write(b);
        if (b == '\n') {
            flush();
        }
    }

    @Override
    public void flush() {
        out.print(line.toString(StandardCharsets.UTF_8));
        out.flush();
        line.reset();
    }
}
