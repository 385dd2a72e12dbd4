package org.tcplab.server.system;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}) as the API
 * really is: its title and contract version, the lab token as a bearer scheme (Swagger UI's
 * Authorize), and on every operation the RFC 9457 problem answers it may give. Operations on a lab
 * add their 401/403/404 themselves ({@code lab.LabArguments}).
 */
@Configuration
public class ApiDocs {

    /** The version of the public contract (docs: lab-api.md), not of the build. */
    static final String CONTRACT_VERSION = "1.0";

    static final String PROBLEM = "ProblemDetail";

    @Bean
    OpenAPI tcpLabOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("TCP Lab API")
                        .version(CONTRACT_VERSION)
                        .description("Labs of two TCP hosts (our RFC 9293 stack, or the Linux kernel) on a link"
                                + " you control: create one, open connections, inject segments and faults, and"
                                + " watch every segment, state and timer as events. Reading a lab needs its id;"
                                + " changing it needs its token (Authorize: the token from POST /api/labs).")
                        .license(new License().name("see the project README")))
                .components(new Components()
                        .addSecuritySchemes(
                                "labToken",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .description("the token POST /api/labs answered with"))
                        .addSchemas(PROBLEM, problemSchema()));
    }

    /** RFC 9457 problem details with the fields {@link Problems} adds. */
    @SuppressWarnings("rawtypes")
    private static Schema problemSchema() {
        Schema<?> error =
                new ObjectSchema().addProperty("field", new StringSchema()).addProperty("message", new StringSchema());
        return new ObjectSchema()
                .description("RFC 9457 problem details (application/problem+json)")
                .addProperty("type", new StringSchema().description("a stable URI per kind of problem"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema().description("what went wrong and what to do, in words"))
                .addProperty("instance", new StringSchema())
                .addProperty("code", new StringSchema().description("the problem type's stable short name"))
                .addProperty("requestId", new StringSchema().description("quote it when reporting a 500"))
                .addProperty("field", new StringSchema().description("bad input: the JSON field at fault"))
                .addProperty("errors", new ArraySchema().items(error))
                .required(List.of("type", "title", "status", "detail"));
    }

    /** Every operation: 500 (and 400 where it takes input) as problem+json; a lab's changes 409 and 503 too. */
    @Bean
    OpenApiCustomizer problemAnswers() {
        return api -> api.getPaths().values().forEach(path -> path.readOperationsMap()
                .forEach((method, op) -> addProblems(method, op)));
    }

    private static void addProblems(PathItem.HttpMethod method, Operation op) {
        ApiResponses responses = op.getResponses() == null ? new ApiResponses() : op.getResponses();
        boolean input = op.getRequestBody() != null
                || (op.getParameters() != null && !op.getParameters().isEmpty());
        if (input) responses.putIfAbsent("400", problem("bad input: the field at fault is named"));
        boolean change = op.getSecurity() != null && !op.getSecurity().isEmpty();
        if (change) {
            responses.putIfAbsent("409", problem("the lab's state forbids this (or the lab was stopped)"));
            responses.putIfAbsent("503", problem("the lab is busy with earlier work: retry after Retry-After"));
        }
        if (method == PathItem.HttpMethod.POST
                && op.getOperationId() != null
                && op.getOperationId().startsWith("create")) {
            responses.putIfAbsent(
                    "429", problem("too many labs from this address this minute: retry after Retry-After"));
            responses.putIfAbsent("503", problem("the server runs its maximum of labs, or the mode is unavailable"));
        }
        responses.putIfAbsent("500", problem("a bug: the answer carries a request id, and the log says more"));
        op.setResponses(responses);
    }

    /** An answer of RFC 9457 problem details, described. */
    public static ApiResponse problem(String description) {
        return new ApiResponse()
                .description(description)
                .content(new Content()
                        .addMediaType(
                                "application/problem+json",
                                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
    }
}
