package io.repeaterdispatch.admin.web;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.math.BigDecimal;
import java.util.TreeMap;

/**
 * Adds to every /api operation of the OpenAPI document the answers of the token filter
 * (admin.auth.BearerTokenFilter), which runs before any resource: 401 everywhere, 403 on every
 * route a read token may not call (all but GET). Both refer to the responses declared in
 * META-INF/openapi.yaml. The resources declare the rest of their answers themselves.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ApiDocumentFilter implements OASFilter {

    /**
     * The resources take path ids as text, to answer anything that is not one with a 404 (admin.web.Ids):
     * documented, they are what they name, positive integers; a domain is a domain name.
     */
    private static void describePathParameter(Parameter parameter) {
        if (parameter.getIn() != Parameter.In.PATH) {
            return;
        }
        if ("id".equals(parameter.getName())) {
            parameter.setSchema(OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).format("int64").minimum(BigDecimal.ONE));
            if (parameter.getDescription() == null) {
                parameter.setDescription("the id: digits only (anything else names nothing: 404)");
            }
        } else if ("domain".equals(parameter.getName())) {
            parameter.setSchema(OASFactory.createSchema().addType(Schema.SchemaType.STRING).pattern("^[A-Za-z0-9][A-Za-z0-9._-]{0,125}$"));
            if (parameter.getDescription() == null) {
                parameter.setDescription("the domain (tenant): 1-126 letters, digits, '.', '_' or '-', starting with a letter or digit");
            }
        }
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (!path.startsWith("/api/")) {
                return;
            }
            if (item.getParameters() != null) {
                item.getParameters().forEach(ApiDocumentFilter::describePathParameter);
            }
            item.getOperations().forEach((method, operation) -> {
                if (operation.getParameters() != null) {
                    operation.getParameters().forEach(ApiDocumentFilter::describePathParameter);
                }
                APIResponses responses = operation.getResponses();
                if (responses == null) {
                    responses = OASFactory.createAPIResponses();
                    operation.setResponses(responses);
                }
                if (!responses.hasAPIResponse("401")) {
                    responses.addAPIResponse("401", OASFactory.createAPIResponse().ref("Unauthorized"));
                }
                if (method != PathItem.HttpMethod.GET && !responses.hasAPIResponse("403")) {
                    responses.addAPIResponse("403", OASFactory.createAPIResponse().ref("Forbidden"));
                }
                responses.setAPIResponses(new TreeMap<>(responses.getAPIResponses())); // by status code
            });
        });
    }
}
