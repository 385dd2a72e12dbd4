package org.tcplab.server.lab;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.PathParameter;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import java.util.Arrays;
import java.util.Map;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;
import org.springframework.web.server.ServerWebExchange;
import org.tcplab.server.system.ApiDocs;
import reactor.core.publisher.Mono;

/**
 * Handlers take the lab as an argument: a {@link Lab} parameter is the lab of the {@code {lab}} path
 * variable (404 if there is none), and with {@link Authorized} the request must carry its token.
 * The OpenAPI document says the same: the path parameter, and for changes the bearer scheme with
 * its 401 and 403.
 */
@Configuration
class LabArguments implements WebFluxConfigurer {

    /** The bearer scheme's name in the OpenAPI document (see {@code system.ApiDocs}). */
    static final String BEARER = "labToken";

    static {
        // Resolved here, not bound from the request: springdoc must not document it as a body.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Lab.class);
    }

    private final LabService labs;

    LabArguments(LabService labs) {
        this.labs = labs;
    }

    @Override
    public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
        configurer.addCustomResolver(new Resolver(labs));
    }

    static final class Resolver implements HandlerMethodArgumentResolver {
        private final LabService labs;

        Resolver(LabService labs) {
            this.labs = labs;
        }

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return parameter.getParameterType() == Lab.class;
        }

        @Override
        public Mono<Object> resolveArgument(
                MethodParameter parameter, BindingContext context, ServerWebExchange exchange) {
            Map<String, String> variables = exchange.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
            String id = variables == null ? null : variables.get("lab");
            if (id == null) {
                return Mono.error(new IllegalStateException(
                        "a Lab parameter needs a {lab} path variable: " + parameter.getExecutable()));
            }
            boolean authorized = parameter.hasParameterAnnotation(Authorized.class);
            String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
            // One instance: a map lookup and a constant-time token comparison, on the event loop.
            // Cluster mode may read the shared store first (LabService.find does that off the loop).
            return Mono.defer(() -> authorized ? labs.findAuthorized(id, authorization) : labs.find(id))
                    .cast(Object.class);
        }
    }

    /** The {@code lab} path parameter, and for changes the token and its refusals, on every operation taking a lab. */
    @Bean
    OperationCustomizer labParameterDocs() {
        return (Operation operation, HandlerMethod method) -> {
            MethodParameter[] parameters = method.getMethodParameters();
            boolean takesLab = Arrays.stream(parameters).anyMatch(p -> p.getParameterType() == Lab.class);
            if (!takesLab) return operation;
            boolean hasPathParam = operation.getParameters() != null
                    && operation.getParameters().stream()
                            .anyMatch(p -> "lab".equals(p.getName()) && "path".equals(p.getIn()));
            if (!hasPathParam) {
                operation.addParametersItem(new PathParameter()
                        .name("lab")
                        .description("the lab's id (from its creation; the viewer link carries it)")
                        .required(true)
                        .schema(new StringSchema()));
            }
            boolean authorized = Arrays.stream(parameters)
                    .anyMatch(p -> p.getParameterType() == Lab.class && p.hasParameterAnnotation(Authorized.class));
            if (authorized) {
                operation.addSecurityItem(new SecurityRequirement().addList(BEARER));
                ApiResponses responses =
                        operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
                responses.putIfAbsent("401", ApiDocs.problem("no token: Authorization: Bearer <token> is missing"));
                responses.putIfAbsent("403", ApiDocs.problem("the token is not this lab's"));
                operation.setResponses(responses);
            }
            operation.getResponses().putIfAbsent("404", ApiDocs.problem("no such lab (deleted, or removed when idle)"));
            return operation;
        };
    }
}
