#pragma once

#include "CaptureConfig.h"

#include <QString>

// Everything the command line can ask for. Values not given on the command line stay unset
// (the has* flags) so settings can fill them in the window.
struct InspectorOptions
{
    bool headless = false;
    CaptureConfig capture;
    bool hasListen = false; // --listen was given
    bool hasSecret = false; // a secret came from --secret, --secret-file or the environment
    QString secretSource; // "--secret", "--secret-file", "THENA_INSPECTOR_SECRET"
    bool hasStore = false; // --store or --no-store was given
    bool hasRetention = false; // --keep-events or --keep-days was given
    bool hasTls = false; // --tls-cert and --tls-key were given
    bool hasMaxBody = false; // --max-body was given
    bool hasIdleTimeout = false; // --idle-timeout was given
    bool hasMaxConnections = false; // --max-connections was given
};
