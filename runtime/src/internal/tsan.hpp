/// @file
/// ThreadSanitizer annotations for troupe's own hand-offs (never installed).
///
/// Debian's CAF is not built with -fsanitize=thread, so TSan cannot see the synchronization
/// inside CAF's mailboxes and job queues. Where troupe hands data from one thread to another
/// through CAF (a kernel chunk's result published by a worker and read by the owning actor after
/// the resume message, a frame suspended on one worker and resumed on another), the sender calls
/// `TROUPE_TSAN_RELEASE(p)` after its last write and before the hand-off, and the receiver calls
/// `TROUPE_TSAN_ACQUIRE(p)` on arrival, before its first read; `p` is the same address on both
/// sides (the shared state's). Without TSan both macros compile to nothing.
#pragma once

#if defined(__SANITIZE_THREAD__)
#define TROUPE_TSAN_ENABLED 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TROUPE_TSAN_ENABLED 1
#endif
#endif

#ifdef TROUPE_TSAN_ENABLED
#include <sanitizer/tsan_interface.h>
#define TROUPE_TSAN_RELEASE(addr)                                                                  \
  ::__tsan_release(const_cast<void*>(static_cast<const volatile void*>(addr)))
#define TROUPE_TSAN_ACQUIRE(addr)                                                                  \
  ::__tsan_acquire(const_cast<void*>(static_cast<const volatile void*>(addr)))
#else
#define TROUPE_TSAN_RELEASE(addr) static_cast<void>(addr)
#define TROUPE_TSAN_ACQUIRE(addr) static_cast<void>(addr)
#endif
