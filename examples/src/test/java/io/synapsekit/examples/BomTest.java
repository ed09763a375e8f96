package io.synapsekit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The BOM lists every published module of the build, at the build's version: it has no parent (so importing it
 * brings nothing else), so nothing but this test keeps the two in step.
 */
class BomTest {

    private static final List<String> NOT_PUBLISHED = List.of("bom", "examples", "benchmarks");

    @Test
    void listsEveryPublishedModuleAtTheBuildsVersion() throws Exception {
        Document root = parse(Path.of("../pom.xml"));
        Document bom = parse(Path.of("../bom/pom.xml"));
        String version = child(root.getDocumentElement(), "version");

        List<String> published = new ArrayList<>();
        NodeList modules = root.getElementsByTagName("module");
        for (int i = 0; i < modules.getLength(); i++) {
            String module = modules.item(i).getTextContent().trim();
            if (!NOT_PUBLISHED.contains(module)) {
                published.add("synapsekit-" + module);
            }
        }
        List<String> listed = new ArrayList<>();
        NodeList deps = bom.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element dep = (Element) deps.item(i);
            assertThat(child(dep, "groupId")).isEqualTo("io.synapsekit");
            assertThat(child(dep, "version")).as(child(dep, "artifactId")).isEqualTo(version);
            listed.add(child(dep, "artifactId"));
        }

        assertThat(child(bom.getDocumentElement(), "version")).isEqualTo(version);
        assertThat(listed).containsExactlyInAnyOrderElementsOf(published);
    }

    private static Document parse(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    private static String child(Element parent, String name) {
        NodeList children = parent.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().trim();
            }
        }
        throw new AssertionError(parent.getTagName() + " has no <" + name + ">");
    }
}
