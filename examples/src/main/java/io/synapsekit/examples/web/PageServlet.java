package io.synapsekit.examples.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Serves one file from the class path: the web demo's {@code index.html}, the chat page and its script. */
public final class PageServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final byte[] page;
    private final String contentType;

    /** Loads {@code resource} (a class-path path such as {@code /web/index.html}), an HTML page, once. */
    public PageServlet(String resource) {
        this(resource, "text/html; charset=utf-8");
    }

    /** Loads {@code resource} once, served as {@code contentType}. */
    public PageServlet(String resource, String contentType) {
        this.contentType = contentType;
        try (InputStream in = PageServlet.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no such resource: " + resource);
            }
            page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType(contentType);
        response.setHeader("Cache-Control", "no-cache");
        response.setContentLength(page.length);
        response.getOutputStream().write(page);
    }
}
