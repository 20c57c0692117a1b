package org.consentfhir.interceptors.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.EnumSet;
import java.util.Set;
import org.consentfhir.interceptors.InterceptorOrder;
import org.consentfhir.interceptors.policy.PolicyInterceptor;

/**
 * A record that does not exist (or was deleted) answers a caller whom consent could refuse as a
 * record hidden from them does: the same 403 from {@link ConsentRefusal}, so that neither 404 nor
 * 410 confirms which ids are someone's record. Reads, versioned reads, instance history and
 * operations on an instance of a type that can be in a patient's record; callers and types consent
 * never hides ({@link ConsentGate#mayHide}) keep HAPI's 404 and 410.
 *
 * <p>Hooks {@code SERVER_PRE_PROCESS_OUTGOING_EXCEPTION}; order {@link InterceptorOrder#NO_SUCH_RECORD},
 * before the status mapping of outgoing errors.
 */
@Interceptor(order = InterceptorOrder.NO_SUCH_RECORD)
public class NoSuchRecordInterceptor implements PolicyInterceptor {

	private static final Set<RestOperationTypeEnum> NAMING_ONE_RECORD = EnumSet.of(
			RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD, RestOperationTypeEnum.HISTORY_INSTANCE,
			RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE);

	private final ConsentCallers callers;
	private final ConsentGate gate;

	public NoSuchRecordInterceptor(ConsentCallers callers, ConsentGate gate) {
		this.callers = callers;
		this.gate = gate;
	}

	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	public BaseServerResponseException serverPreProcessOutgoingException(RequestDetails request, Throwable exception) {
		if (!(exception instanceof ResourceNotFoundException || exception instanceof ResourceGoneException)
				|| request == null || request.getRestOperationType() == null
				|| !NAMING_ONE_RECORD.contains(request.getRestOperationType())
				|| request.getResourceName() == null || request.getId() == null || !request.getId().hasIdPart()) {
			return null;
		}
		ConsentCaller caller = callers.of(request);
		if (!gate.mayHide(caller, request.getResourceName())) {
			return null;
		}
		return ConsentRefusal.of(caller, request.getResourceName() + "/" + request.getId().getIdPart());
	}
}
