import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Totals every JUnit XML report under the given directory (surefire's and bnd-testing's) and prints
 * "N passed, N failed[, N skipped]". Exit code 1 if any test failed or errored, 2 if the in-framework
 * (bnd-testing) reports are missing or empty. Run: java .ci/JUnitTotals.java <root>
 */
public class JUnitTotals {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        List<Path> reports = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml"))
                    .filter(p -> p.toString().contains("surefire-reports") || p.toString().contains("test-reports"))
                    .forEach(reports::add);
        }
        long tests = 0, failed = 0, skipped = 0, inFramework = 0;
        for (Path p : reports) {
            var f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            NodeList suites = f.newDocumentBuilder().parse(p.toFile()).getElementsByTagName("testsuite");
            for (int i = 0; i < suites.getLength(); i++) {
                Element e = (Element) suites.item(i);
                long t = num(e, "tests"), fl = num(e, "failures") + num(e, "errors"), sk = num(e, "skipped");
                tests += t;
                failed += fl;
                skipped += sk;
                if (p.toString().contains(File.separator + "test-reports" + File.separator)) inFramework += t;
            }
        }
        long passed = tests - failed - skipped;
        System.out.println(passed + " passed, " + failed + " failed" + (skipped > 0 ? ", " + skipped + " skipped" : ""));
        if (inFramework == 0) {
            System.out.println("in-framework tests (bnd-testing) did not run");
            System.exit(2);
        }
        System.exit(failed > 0 ? 1 : 0);
    }

    private static long num(Element e, String attr) {
        String v = e.getAttribute(attr);
        return v == null || v.isBlank() ? 0 : Long.parseLong(v.trim());
    }
}
