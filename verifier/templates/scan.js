// QR scanning on the verification page, by progressive enhancement: where
// the browser has a camera and the BarcodeDetector API, the "scan" section
// appears; a QR code that links to a credential or a share of this site
// opens it. Elsewhere the page stays as it is (paste or upload). No inline
// script: the page's Content-Security-Policy allows this file only.
(function () {
  'use strict';
  document.documentElement.setAttribute('data-scan', 'loaded');
  var section = document.getElementById('scan');
  if (!section) return;
  if (!('BarcodeDetector' in window) || !navigator.mediaDevices ||
      !navigator.mediaDevices.getUserMedia) {
    document.documentElement.setAttribute('data-scan', 'unsupported');
    return;
  }
  var button = document.getElementById('scan-toggle');
  var video = document.getElementById('scan-video');
  var status = document.getElementById('scan-status');
  var stream = null;
  var timer = null;
  section.hidden = false;
  document.documentElement.setAttribute('data-scan', 'ready');

  function ours(text) {
    try {
      var url = new URL(text);
      return url.origin === window.location.origin &&
        (url.pathname.indexOf('/verify/') === 0 || url.pathname.indexOf('/s/') === 0)
        ? url : null;
    } catch (e) {
      return null;
    }
  }

  function stop() {
    if (timer) window.clearInterval(timer);
    timer = null;
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
    button.textContent = section.dataset.start;
  }

  button.addEventListener('click', function () {
    if (stream) { stop(); return; }
    var detector = new window.BarcodeDetector({formats: ['qr_code']});
    navigator.mediaDevices.getUserMedia({video: {facingMode: 'environment'}})
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        video.play();
        button.textContent = section.dataset.stop;
        status.textContent = '';
        timer = window.setInterval(function () {
          detector.detect(video).then(function (codes) {
            if (!codes.length) return;
            var url = ours(codes[0].rawValue);
            if (url) {
              stop();
              window.location.assign(url.href);
            } else {
              status.textContent = section.dataset.foreign + ' ' + codes[0].rawValue.slice(0, 200);
            }
          }).catch(function () {});
        }, 300);
      })
      .catch(function () {
        stop();
        status.textContent = section.dataset.denied;
      });
  });
})();
