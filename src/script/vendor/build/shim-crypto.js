// uuid's browser build draws ids from crypto.getRandomValues, which Postman's sandbox
// scripts do not see as a global; postman-collection uses those ids to name items only.
export var crypto = {
  getRandomValues: function (array) {
    for (var i = 0; i < array.length; i++) array[i] = Math.floor(Math.random() * 256);
    return array;
  }
};
