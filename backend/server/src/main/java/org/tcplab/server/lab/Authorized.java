package org.tcplab.server.lab;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a handler's {@link Lab} parameter: the lab named by the {@code {lab}} path variable, and the
 * request must carry its token ({@code Authorization: Bearer <token>}): 404 for an unknown lab,
 * then 401 without a token, 403 with another lab's (lab-api.md, Access). A {@code Lab} parameter
 * without it is the lab alone, for reads, which need only the id.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Authorized {}
