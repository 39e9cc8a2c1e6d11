#include "EventBodySource.h"

// Out of line so the vtable is emitted once, here.
EventBodySource::~EventBodySource() = default;
