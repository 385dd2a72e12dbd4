package org.tcplab.server.system;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a request string that carries data for the connection ({@code text}, {@code base64}):
 * {@code tcplab.max-send-bytes} governs its length (checked where it is sent), not the general
 * {@code tcplab.max-string-length} every other string in a request is held to.
 */
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface PayloadText {}
