/*
 * messages: every user-visible (Persian) string of the tracking plugin, in
 * one place.  Each says what went wrong and what to do.
 */
#ifndef TRK_MESSAGES_H
#define TRK_MESSAGES_H

#define M_TRACKING_NOT_FOUND "درخواستی با این مشخصات پیدا نشد. کد پیگیری یا مشخصات واردشده را با رسید خود مقایسه کنید."
#define M_NOT_YOUR_CITIZEN "این درخواست به دفتر شما مربوط نیست: فقط درخواست‌هایی که نوبت یا تحویل کارتشان در دفتر شماست دیده و تغییر داده می‌شوند."

#endif
