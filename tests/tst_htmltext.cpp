#include "HtmlText.h"

#include <QTest>

class TestHtmlText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void toPlainText_data();
    void toPlainText();
    void decodeEntity_data();
    void decodeEntity();
    void brokenInputNeverHangs();
};

void TestHtmlText::toPlainText_data()
{
    QTest::addColumn<QString>("html");
    QTest::addColumn<QString>("expected");

    // From the samples.
    QTest::newRow("created description")
        << QStringLiteral("<p>Our CSV export has been timing out since this morning &amp; blocks our finance team.</p>")
        << QStringLiteral("Our CSV export has been timing out since this morning & blocks our finance team.");
    QTest::newRow("activity text") << QStringLiteral("<p>Lorem ipsum dolor sit.</p>")
                                   << QStringLiteral("Lorem ipsum dolor sit.");
    QTest::newRow("feedbacks") << QStringLiteral(
        "<p>lorem.ipsum_customer gave 5 with additional feedback of Great Support!</p>")
                               << QStringLiteral(
                                      "lorem.ipsum_customer gave 5 with additional feedback of Great Support!");

    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("plain text unchanged") << QStringLiteral("Hello world") << QStringLiteral("Hello world");
    QTest::newRow("plain text keeps newlines") << QStringLiteral("line 1\nline 2") << QStringLiteral("line 1\nline 2");
    QTest::newRow("paragraphs") << QStringLiteral("<p>One</p><p>Two</p>") << QStringLiteral("One\nTwo");
    QTest::newRow("br variants") << QStringLiteral("a<br>b<br/>c<BR />d") << QStringLiteral("a\nb\nc\nd");
    QTest::newRow("div") << QStringLiteral("<div>a</div><div>b</div>") << QStringLiteral("a\nb");
    QTest::newRow("list") << QStringLiteral("<p>Steps:</p><ul><li>one</li><li>two</li></ul>")
                          << QStringLiteral("Steps:\n\u2022 one\n\u2022 two");
    QTest::newRow("list right after text")
        << QStringLiteral("Steps<ol><li>one<li>two</ol>done") << QStringLiteral("Steps\n\u2022 one\n\u2022 two\ndone");
    QTest::newRow("list item with spaces")
        << QStringLiteral("<ul>\n  <li>  one  </li>\n</ul>") << QStringLiteral("\u2022 one");
    QTest::newRow("inline tags removed") << QStringLiteral("<b>bold</b> and <i>it</i><span class=\"x\">alic</span>")
                                         << QStringLiteral("bold and italic");
    QTest::newRow("link text kept, url dropped")
        << QStringLiteral("see <a href=\"https://x.example/?a=1&b=2\">the docs</a>.")
        << QStringLiteral("see the docs.");
    QTest::newRow("quoted > in attribute") << QStringLiteral("<a title=\"a > b\">x</a>y") << QStringLiteral("xy");
    QTest::newRow("markup newlines are spaces") << QStringLiteral("<p>one\ntwo</p>") << QStringLiteral("one two");
    QTest::newRow("whitespace collapsed") << QStringLiteral("<p>  a   \t b  </p>") << QStringLiteral("a b");
    QTest::newRow("blank lines collapsed") << QStringLiteral("a<br><br><br><br>b") << QStringLiteral("a\n\nb");
    QTest::newRow("plain blank lines collapsed") << QStringLiteral("a\n\n\n\nb") << QStringLiteral("a\n\nb");
    QTest::newRow("leading and trailing breaks trimmed")
        << QStringLiteral("<br><p> x </p><br><br>") << QStringLiteral("x");
    QTest::newRow("headings") << QStringLiteral("<h1>Title</h1>text") << QStringLiteral("Title\ntext");
    QTest::newRow("table cells") << QStringLiteral("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>")
                                 << QStringLiteral("a b\nc");

    QTest::newRow("named entities") << QStringLiteral("&lt;b&gt; &quot;q&quot; &#39;s&#39; &apos;a&apos; &amp;")
                                    << QStringLiteral("<b> \"q\" 's' 'a' &");
    QTest::newRow("nbsp") << QStringLiteral("a&nbsp;b") << QStringLiteral("a b");
    QTest::newRow("decimal entity") << QStringLiteral("&#233;t&#233;") << QStringLiteral("\u00e9t\u00e9");
    QTest::newRow("hex entity") << QStringLiteral("&#x263A; &#X41;") << QStringLiteral("\u263a A");
    QTest::newRow("astral entity") << QStringLiteral("&#x1F600;") << QString::fromUcs4(U"\U0001F600");
    QTest::newRow("invalid code point") << QStringLiteral("a&#xD800;b&#0;c&#x110000;")
                                        << QStringLiteral("a\ufffdb\ufffdc\ufffd");
    QTest::newRow("unknown entity literal") << QStringLiteral("&bogus; &") << QStringLiteral("&bogus; &");
    QTest::newRow("entity without semicolon literal") << QStringLiteral("AT&T &amp") << QStringLiteral("AT&T &amp");
    QTest::newRow("decoded markup stays text")
        << QStringLiteral("&lt;script&gt;alert(1)&lt;/script&gt;") << QStringLiteral("<script>alert(1)</script>");
    QTest::newRow("double escaped decoded once") << QStringLiteral("&amp;lt;") << QStringLiteral("&lt;");

    QTest::newRow("script dropped") << QStringLiteral("<p>Hi</p><script>alert('x<p>')</script><p>there</p>")
                                    << QStringLiteral("Hi\nthere");
    QTest::newRow("style dropped") << QStringLiteral("<style>p { color: red }</style>text") << QStringLiteral("text");
    QTest::newRow("unclosed script drops rest") << QStringLiteral("a<script>alert(1)") << QStringLiteral("a");
    QTest::newRow("comment dropped") << QStringLiteral("a<!-- <b>hidden</b> -->b") << QStringLiteral("ab");
    QTest::newRow("unclosed comment") << QStringLiteral("a<!-- never ends") << QStringLiteral("a");
    QTest::newRow("doctype dropped") << QStringLiteral("<!DOCTYPE html><p>x</p>") << QStringLiteral("x");
    QTest::newRow("img dropped") << QStringLiteral("<img src=\"http://x/y.png\">pic") << QStringLiteral("pic");

    QTest::newRow("less-than in text") << QStringLiteral("a < b and c<3") << QStringLiteral("a < b and c<3");
    QTest::newRow("unterminated tag kept") << QStringLiteral("<p>x <b") << QStringLiteral("x <b");
    QTest::newRow("stray closing >") << QStringLiteral("a > b</p>") << QStringLiteral("a > b");
    QTest::newRow("lone <") << QStringLiteral("<") << QStringLiteral("<");
    QTest::newRow("unbalanced quote in tag")
        << QStringLiteral("<a href=\"x>text") << QStringLiteral("<a href=\"x>text");
    QTest::newRow("apostrophe in tag is not a quote") << QStringLiteral("<p it's>ok</p>") << QStringLiteral("ok");
    QTest::newRow("mismatched tags") << QStringLiteral("<p><b>a</p></b>b") << QStringLiteral("a\nb");
    QTest::newRow("uppercase tags") << QStringLiteral("<P>A</P><LI>B") << QStringLiteral("A\n\u2022 B");
}

void TestHtmlText::toPlainText()
{
    QFETCH(QString, html);
    QFETCH(QString, expected);
    QCOMPARE(HtmlText::toPlainText(html), expected);
}

void TestHtmlText::decodeEntity_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("expected");
    QTest::newRow("amp") << QStringLiteral("amp") << QStringLiteral("&");
    QTest::newRow("#39") << QStringLiteral("#39") << QStringLiteral("'");
    QTest::newRow("#x41") << QStringLiteral("#x41") << QStringLiteral("A");
    QTest::newRow("case matters") << QStringLiteral("AMP") << QString();
    QTest::newRow("unknown") << QStringLiteral("nope") << QString();
    QTest::newRow("empty number") << QStringLiteral("#") << QString();
    QTest::newRow("bad number") << QStringLiteral("#12a") << QString();
    QTest::newRow("bad hex") << QStringLiteral("#xZZ") << QString();
    QTest::newRow("huge number") << QStringLiteral("#999999999999") << QString();
}

void TestHtmlText::decodeEntity()
{
    QFETCH(QString, name);
    QFETCH(QString, expected);
    QCOMPARE(HtmlText::decodeEntity(name), expected);
}

void TestHtmlText::brokenInputNeverHangs()
{
    // Every prefix of a tricky fragment: unterminated tags, quotes, entities and comments at
    // every position must still give an answer without crashing.
    const QString html = QStringLiteral(
        "<p class=\"a'b\">x &amp; y<br/><!-- c --><ul><li>1</li></ul><script>s</script>&#x41;&lt;<a href='q'>z</a>");
    for (qsizetype n = 0; n <= html.size(); ++n) {
        const QString text = HtmlText::toPlainText(QStringView(html).left(n));
        QVERIFY(!text.startsWith(QLatin1Char(' ')));
        QVERIFY(!text.endsWith(QLatin1Char('\n')));
    }
    QCOMPARE(HtmlText::toPlainText(html), QStringLiteral("x & y\n\u2022 1\nA<z"));
}

QTEST_GUILESS_MAIN(TestHtmlText)
#include "tst_htmltext.moc"
