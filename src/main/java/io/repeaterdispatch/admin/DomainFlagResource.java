package io.repeaterdispatch.admin;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.repeaterdispatch.admin.entity.DomainFlagEntity;
import io.repeaterdispatch.config.DispatchConfig;
import io.repeaterdispatch.dispatch.DispatchScheduler;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import java.util.List;

/**
 * A domain's process-repeaters flag: on = per-repeater loop, off = legacy per-record path. Safe to
 * flip at any moment: both paths claim records through the same leases.
 */
@Tag(name = "Domains")
@Path("/api/v1/domains/{domain}/flags/process-repeaters")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DomainFlagResource {

    public record FlagRequest(Boolean enabled) {
    }

    /** @param source "domain" when the domain has its own flag, "default" when the configured default applies */
    public record FlagView(String domain, boolean enabled, String source) {
    }

    private final DispatchConfig config;
    private final DispatchScheduler scheduler;
    private final AuditTrail audit;

    public DomainFlagResource(DispatchConfig config, DispatchScheduler scheduler, AuditTrail audit) {
        this.config = config;
        this.scheduler = scheduler;
        this.audit = audit;
    }

    @GET
    @WithSession
    @Operation(summary = "Read a domain's process-repeaters flag", description = "true: per-repeater loop; false: legacy per-record path; source says whether the configured default applies.")
    public Uni<FlagView> get(@PathParam("domain") String domain) {
        checkDomain(domain);
        return view(domain);
    }

    private Uni<FlagView> view(String domain) {
        return DomainFlagEntity.<DomainFlagEntity>findById(domain).map(flag -> flag == null
                ? new FlagView(domain, config.processRepeatersDefault(), "default")
                : new FlagView(domain, flag.processRepeaters, "domain"));
    }

    @PUT
    @Operation(summary = "Set a domain's process-repeaters flag", description = "Safe at any moment: both paths claim records through the same leases.")
    public Uni<FlagView> put(@PathParam("domain") String domain, 
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "legacy path", value = ApiExamples.SET_FLAG))) FlagRequest request, @Context SecurityContext who) {
        checkDomain(domain);
        if (request == null || request.enabled() == null) {
            throw ApiException.invalid(List.of(new ApiException.FieldError("enabled", "required; true or false")));
        }
        return Panache.withTransaction(() -> view(domain).call(before -> Panache.getSession().flatMap(session -> session.createNativeQuery("""
                                INSERT INTO domain_flag (domain, process_repeaters, updated_at) VALUES (?1, ?2, now())
                                ON CONFLICT (domain) DO UPDATE SET process_repeaters = excluded.process_repeaters, updated_at = now()
                                """)
                        .setParameter(1, domain).setParameter(2, request.enabled()).executeUpdate())
                .call(n -> audit.record(who, "domain.flag.set", "domain/" + domain,
                        AuditTrail.change(before, new FlagView(domain, request.enabled(), "domain")))))
                .map(before -> new FlagView(domain, request.enabled(), "domain")))
                .invoke(scheduler::nudge); // after the commit, so the loop reads the new flag
    }

    private static void checkDomain(String domain) {
        if (!RepeaterValidator.DOMAIN.matcher(domain).matches()) {
            throw ApiException.badRequest("not a valid domain name");
        }
    }
}
