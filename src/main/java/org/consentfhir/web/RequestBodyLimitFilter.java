package org.consentfhir.web;

import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps the size of request bodies sent to {@code /fhir}. The body is counted as HAPI reads it, so a
 * chunked upload without {@code Content-Length} is caught as well as a declared one. Exceeding the
 * cap raises HAPI's {@link PayloadTooLargeException} inside HAPI's request handling, which answers
 * 413 with an OperationOutcome; nothing has been parsed or stored at that point.
 */
public class RequestBodyLimitFilter extends OncePerRequestFilter {

	private final long maxBytes;

	public RequestBodyLimitFilter(long maxBytes) {
		this.maxBytes = maxBytes;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		chain.doFilter(new LimitedRequest(request, maxBytes), response);
	}

	private static PayloadTooLargeException tooLarge(long maxBytes) {
		return new PayloadTooLargeException("Request body exceeds the limit of " + maxBytes + " bytes");
	}

	private static final class LimitedRequest extends HttpServletRequestWrapper {
		private final long maxBytes;
		private ServletInputStream stream;

		LimitedRequest(HttpServletRequest request, long maxBytes) {
			super(request);
			this.maxBytes = maxBytes;
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			if (getContentLengthLong() > maxBytes) {
				throw tooLarge(maxBytes);
			}
			if (stream == null) {
				stream = new CountingStream(super.getInputStream(), maxBytes);
			}
			return stream;
		}
	}

	private static final class CountingStream extends ServletInputStream {
		private final ServletInputStream delegate;
		private final long maxBytes;
		private long count;

		CountingStream(ServletInputStream delegate, long maxBytes) {
			this.delegate = delegate;
			this.maxBytes = maxBytes;
		}

		@Override
		public int read() throws IOException {
			int b = delegate.read();
			if (b >= 0) {
				add(1);
			}
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int n = delegate.read(buffer, offset, length);
			if (n > 0) {
				add(n);
			}
			return n;
		}

		private void add(int n) {
			count += n;
			if (count > maxBytes) {
				throw tooLarge(maxBytes);
			}
		}

		@Override
		public boolean isFinished() {
			return delegate.isFinished();
		}

		@Override
		public boolean isReady() {
			return delegate.isReady();
		}

		@Override
		public void setReadListener(ReadListener listener) {
			delegate.setReadListener(listener);
		}
	}
}
