// libFuzzer target: HttpRequestFramer, the code that reads hostile bytes first. Differential:
// the same bytes are framed once fed whole and once cut into pieces (cut points and the use of
// skip() chosen from the input), request after request as on a pipelined connection; both runs
// must see the same requests, the same refusals and consume the same bytes. Plus the limits:
// nothing over them is ever accepted.

#include "FuzzSupport.h"
#include "HttpRequestFramer.h"

#include <QByteArray>
#include <QList>
#include <cstddef>
#include <cstdint>

using FuzzSupport::require;

namespace {

struct Outcome
{
    QByteArray method;
    QByteArray target;
    int minorVersion = 0;
    qint64 contentLength = 0;
    bool chunked = false;
    bool expectContinue = false;
    bool persistent = false;
    qint64 bodyBytes = 0;
    qsizetype headBytes = 0;
    int status = 0; // error status, 0 when the request completed
    qsizetype end = 0; // offset in the input where this request ended

    friend bool operator==(const Outcome &a, const Outcome &b)
    {
        return a.method == b.method && a.target == b.target && a.minorVersion == b.minorVersion
            && a.contentLength == b.contentLength && a.chunked == b.chunked && a.expectContinue == b.expectContinue
            && a.persistent == b.persistent && a.bodyBytes == b.bodyBytes && a.headBytes == b.headBytes
            && a.status == b.status && a.end == b.end;
    }
};

HttpRequestFramer::Limits limits()
{
    HttpRequestFramer::Limits limits;
    limits.maxBodyBytes = 2048;
    limits.maxHeadBytes = 1024;
    limits.maxHeaderLines = 12;
    return limits;
}

void checkLimits(const HttpRequestFramer &framer)
{
    if (!framer.headComplete())
        return;
    const HttpRequestFramer::Head &head = framer.head();
    require(framer.bodyBytes() <= limits().maxBodyBytes, "more body bytes than the limit were accepted");
    require(head.chunked || head.contentLength <= limits().maxBodyBytes, "a Content-Length over the limit passed");
    require(framer.headBytes() <= limits().maxHeadBytes, "a head over the limit passed");
    require(!head.method.isEmpty() && !head.target.isEmpty(), "a request without method or target passed");
    require(head.minorVersion >= 0 && head.minorVersion <= 9, "odd HTTP version");
}

// Records the request that just ended (or failed) and gets ready for the next one.
bool record(HttpRequestFramer &framer, qsizetype offset, QList<Outcome> &outcomes)
{
    if (framer.state() != HttpRequestFramer::State::Complete && framer.state() != HttpRequestFramer::State::Failed)
        return false;
    checkLimits(framer);
    Outcome outcome;
    if (framer.headComplete()) {
        outcome.method = framer.head().method;
        outcome.target = framer.head().target;
        outcome.minorVersion = framer.head().minorVersion;
        outcome.contentLength = framer.head().contentLength;
        outcome.chunked = framer.head().chunked;
        outcome.expectContinue = framer.head().expectContinue;
        outcome.persistent = framer.head().persistent();
    }
    outcome.bodyBytes = framer.bodyBytes();
    outcome.headBytes = framer.state() == HttpRequestFramer::State::Complete ? framer.headBytes() : 0;
    outcome.status = framer.state() == HttpRequestFramer::State::Failed ? framer.errorStatus() : 0;
    // Where a refused request stops being read depends on how the bytes came in; that it is
    // refused, and how, does not.
    outcome.end = outcome.status == 0 ? offset : 0;
    if (outcome.status != 0) {
        require(!framer.errorMessage().isEmpty(), "a refusal without a message");
        require(outcome.status >= 400 && outcome.status < 600, "a refusal that is not a 4xx or 5xx");
    }
    outcomes.append(outcome);
    if (framer.state() == HttpRequestFramer::State::Complete)
        framer.reset();
    return true;
}

QList<Outcome> frameWhole(const QByteArray &input, HttpRequestFramer::State *finalState)
{
    QList<Outcome> outcomes;
    HttpRequestFramer framer(limits());
    qsizetype offset = 0;
    while (offset < input.size()) {
        const qsizetype used = framer.feed(QByteArrayView(input).sliced(offset));
        require(used >= 0 && used <= input.size() - offset, "feed() used more than it was given");
        offset += used;
        const bool ended = record(framer, offset, outcomes);
        if (!outcomes.isEmpty() && outcomes.last().status != 0)
            break;
        require(used > 0 || ended, "feed() made no progress");
    }
    *finalState = framer.state();
    return outcomes;
}

QList<Outcome> frameInPieces(
    const QByteArray &input, FuzzSupport::Choices &choices, HttpRequestFramer::State *finalState)
{
    QList<Outcome> outcomes;
    HttpRequestFramer framer(limits());
    qsizetype offset = 0;
    while (offset < input.size()) {
        const qsizetype piece = std::min<qsizetype>(choices.between1And(24), input.size() - offset);
        qsizetype done = 0;
        while (done < piece) {
            qsizetype used = 0;
            const qint64 skippable = framer.skippable();
            if (skippable > 0 && choices.flip())
                used = framer.skip(std::min<qint64>(skippable, piece - done)); // as ConnectionGuard does
            else
                used = framer.feed(QByteArrayView(input).sliced(offset + done, piece - done));
            require(used >= 0 && used <= piece - done, "feed()/skip() used more than it was given");
            done += used;
            const bool ended = record(framer, offset + done, outcomes);
            if (!outcomes.isEmpty() && outcomes.last().status != 0) {
                *finalState = framer.state();
                return outcomes;
            }
            if (used == 0 && !ended)
                break; // nothing more in this piece for it
        }
        offset += piece;
    }
    *finalState = framer.state();
    return outcomes;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    FuzzSupport::Choices choices(FuzzSupport::seedOf(data, size));

    HttpRequestFramer::State wholeState;
    HttpRequestFramer::State piecesState;
    const QList<Outcome> whole = frameWhole(input, &wholeState);
    const QList<Outcome> pieces = frameInPieces(input, choices, &piecesState);
    require(whole.size() == pieces.size(), "cutting the input changed how many requests were framed");
    for (qsizetype i = 0; i < whole.size(); ++i)
        require(whole.at(i) == pieces.at(i), "cutting the input changed how a request was framed");
    require(wholeState == piecesState, "cutting the input changed where framing stopped");
    return 0;
}
