package io.parley.clients.e2ee;

/** A ciphertext that cannot be read, or a key that does not check out. */
public final class E2eeException extends Exception {
    public E2eeException(String message) {
        super(message);
    }

    public E2eeException(String message, Throwable cause) {
        super(message, cause);
    }
}
