// Validate many EPUBs in one JVM: EPUBCheck's start-up (JVM and schemas) costs seconds,
// one file after that costs a fraction of one. Run with Java's source launcher:
//   java -cp epubcheck.jar EpubCheckBatch.java a.epub b.epub ...
// For each file it prints one line: RESULT <fatals> <errors> <warnings> <path>
// after EPUBCheck's own messages for that file.
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.util.DefaultReportImpl;
import java.io.File;

public class EpubCheckBatch {
    public static void main(String[] args) {
        for (String path : args) {
            DefaultReportImpl report = new DefaultReportImpl(path);
            new EpubCheck(new File(path), report).doValidate();
            System.out.println("RESULT " + report.getFatalErrorCount() + " " + report.getErrorCount()
                + " " + report.getWarningCount() + " " + path);
            System.out.flush();
        }
    }
}
