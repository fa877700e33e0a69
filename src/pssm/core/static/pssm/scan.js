/* Scan a QR label with the device camera where the browser can read barcodes
   (BarcodeDetector); elsewhere the button stays hidden and a handheld reader, which types
   the serial like a keyboard, or the keyboard itself fills the field. */
(function () {
  "use strict";
  function start(button) {
    var input = document.getElementById(button.dataset.scanInput);
    var video = document.createElement("video");
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    video.setAttribute("playsinline", "");
    video.className = "scan-video";
    button.after(video);
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.play();
      function stop() {
        stream.getTracks().forEach(function (t) { t.stop(); });
        video.remove();
      }
      function look() {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            input.value = codes[0].rawValue;
            stop();
            input.form.submit();
          } else {
            window.requestAnimationFrame(look);
          }
        }, function () { window.requestAnimationFrame(look); });
      }
      look();
    }, function () { video.remove(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
    document.querySelectorAll("[data-scan-input]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { start(button); });
    });
  });
})();
